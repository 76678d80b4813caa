#pragma once
// The one error type of the AWS layer, and the one place that decides what is retried.
#include <string>

#include "spawn/util/expected.hpp"

namespace spawn::aws {

struct Error {
  int http_status = 0;     // 0 when no HTTP reply arrived (connection, timeout, local failure)
  std::string code;        // AWS error code ("RequestLimitExceeded"), or ours for local failures:
                           // "NetworkError", "RequestTimeout", "InvalidReply", "CredentialsError", "InvalidConfig",
                           // "SSOLoginRequired", "MFACodeRequired"
  std::string message;
  std::string request_id;  // empty when AWS gave none

  // "<message> (<code>, request <id>)" - the id part only when known.
  std::string describe() const;
};

template <class T>
using Result = expected<T, Error>;

// A local (non-AWS) error with our own code.
Error local_error(std::string code, std::string message);

// Throttling codes of the SDK standard retry mode (RequestLimitExceeded, Throttling, ...).
bool is_throttling(const Error& e);
// Transient: no reply, timeouts, 500/502/503/504 and the SDKs' transient codes,
// except capacity errors, which the caller must see (spot fallback, another type).
bool is_transient(const Error& e);
// EC2 capacity errors: InsufficientInstanceCapacity, InsufficientCapacity, SpotMaxPriceTooLow,
// MaxSpotInstanceCountExceeded, Unsupported, UnfulfillableCapacity.
bool is_capacity(const Error& e);
// What the standard retry mode retries: throttling or transient.
bool retryable(const Error& e);
// Expired or invalid credentials codes (ExpiredToken, RequestExpired, AuthFailure, ...).
bool is_credentials_problem(const Error& e);
// A one-line hint for the CLI, or "" when none helps.
std::string hint_for(const Error& e);

}  // namespace spawn::aws
