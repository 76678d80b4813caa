#include "spawn/aws/error.hpp"

#include <algorithm>
#include <array>
#include <string_view>

namespace spawn::aws {
namespace {

template <size_t N>
bool one_of(std::string_view code, const std::array<std::string_view, N>& set) {
  return std::find(set.begin(), set.end(), code) != set.end();
}

// botocore/data/_retry.json "standard" mode, plus EC2's own throttling code.
constexpr std::array<std::string_view, 12> k_throttling = {
    "Throttling", "ThrottlingException", "ThrottledException", "RequestThrottledException",
    "TooManyRequestsException", "ProvisionedThroughputExceededException",
    "TransactionInProgressException", "RequestLimitExceeded", "BandwidthLimitExceeded",
    "LimitExceededException", "RequestThrottled", "SlowDown"};

constexpr std::array<std::string_view, 6> k_transient_codes = {
    "RequestTimeout", "RequestTimeoutException", "PriorRequestNotComplete", "NetworkError",
    "InternalError", "ServiceUnavailable"};

constexpr std::array<std::string_view, 6> k_capacity = {
    "InsufficientInstanceCapacity", "InsufficientCapacity", "SpotMaxPriceTooLow",
    "MaxSpotInstanceCountExceeded", "Unsupported", "UnfulfillableCapacity"};

constexpr std::array<std::string_view, 10> k_credentials = {
    "ExpiredToken", "ExpiredTokenException", "RequestExpired", "AuthFailure",
    "InvalidClientTokenId", "SignatureDoesNotMatch", "UnrecognizedClientException",
    "CredentialsError", "SSOLoginRequired", "MFACodeRequired"};

}  // namespace

std::string Error::describe() const {
  std::string out = message.empty() ? code : message;
  if (!code.empty() || !request_id.empty()) {
    out += " (";
    out += code.empty() ? "unknown error" : code;
    if (!request_id.empty()) out += ", request " + request_id;
    out += ")";
  }
  return out;
}

Error local_error(std::string code, std::string message) {
  return Error{0, std::move(code), std::move(message), {}};
}

bool is_throttling(const Error& e) { return one_of(e.code, k_throttling); }

bool is_capacity(const Error& e) { return one_of(e.code, k_capacity); }

bool is_transient(const Error& e) {
  if (is_capacity(e)) return false;
  if (one_of(e.code, k_transient_codes)) return true;
  if (e.http_status == 0) return e.code == "NetworkError" || e.code == "RequestTimeout";
  return e.http_status == 500 || e.http_status == 502 || e.http_status == 503 ||
         e.http_status == 504;
}

bool retryable(const Error& e) { return is_throttling(e) || is_transient(e); }

bool is_credentials_problem(const Error& e) { return one_of(e.code, k_credentials); }

std::string hint_for(const Error& e) {
  if (e.code == "ExpiredToken" || e.code == "RequestExpired" || e.code == "ExpiredTokenException")
    return "your credentials have expired: refresh them (aws sso login, or new session keys)";
  // The message names `aws sso login --profile X` already: one line is enough.
  if (e.code == "SSOLoginRequired" || e.code == "UnauthorizedException") return {};
  if (e.code == "MFACodeRequired")
    return "run spawn in a terminal to type the code, or export credentials that need none (AWS_ACCESS_KEY_ID, "
           "AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN)";
  if (e.code == "CredentialsError")
    return "set AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, AWS_PROFILE, or run on an instance with a role";
  if (e.code == "AuthFailure" || e.code == "InvalidClientTokenId" ||
      e.code == "SignatureDoesNotMatch" || e.code == "UnrecognizedClientException")
    return "check your access key and secret (AWS_PROFILE, ~/.aws/credentials) and the system clock";
  if (e.code == "UnauthorizedOperation" || e.code == "AccessDenied" ||
      e.code == "AccessDeniedException")
    return "your IAM identity lacks the permission for this call; ask your administrator to allow it";
  if (e.code.starts_with("InvalidAMIID") || e.code == "InvalidSubnetID.NotFound" ||
      e.code == "InvalidGroup.NotFound" || e.code == "InvalidKeyPair.NotFound")
    return "resources are per region: check --region (or AWS_REGION) matches where they exist";
  if (e.code == "NetworkError" || e.code == "RequestTimeout")
    return "check your network and the endpoint (--endpoint-url, AWS_ENDPOINT_URL)";
  if (is_throttling(e)) return "AWS is throttling this account; wait a little and try again";
  if (e.code == "InsufficientInstanceCapacity" || e.code == "InsufficientCapacity" ||
      e.code == "UnfulfillableCapacity")
    return "try another instance type or availability zone (--instance-types A,B,C), or --spot-fallback for spot";
  if (e.code == "SpotMaxPriceTooLow")
    return "raise --spot-max-price, or leave it out to pay at most the on-demand price";
  if (e.code == "MaxSpotInstanceCountExceeded")
    return "the account's spot limit is reached: ask for a higher spot vCPU quota (Service Quotas), or --spot-fallback";
  if (e.code == "HibernationUnsupported")
    return "--on-interruption checkpoint saves work without hibernation";
  return {};
}

}  // namespace spawn::aws
