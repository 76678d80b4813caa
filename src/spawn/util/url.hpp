#pragma once
// Splitting absolute URLs, and form (x-www-form-urlencoded) encoding. Knows nothing of AWS.
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace spawn::util {

struct Url {
  std::string scheme;  // "http" or "https", lower case
  std::string host;    // without brackets for IPv6
  int port = 0;        // explicit or the scheme's default
  std::string path;    // "/" when empty; no query
  std::string query;   // after '?', without it

  // host, plus ":port" when it is not the scheme's default (the Host header form).
  std::string authority() const;
  // scheme://authority
  std::string origin() const;
};

// nullopt for anything but an absolute http(s) URL with a host, and for one with a space or a
// control character anywhere (already percent-encoded URLs only: they go on the wire as they are).
std::optional<Url> parse_url(std::string_view text);

// "https://hooks.example.com/…" for "https://hooks.example.com/services/T000/B000/SECRET?x=y":
// a URL as logs and messages may show it, since webhook paths and queries often are the secret;
// "<invalid URL>" for anything parse_url refuses.
std::string loggable_url(std::string_view url);

// Percent-encoding of everything but A-Za-z0-9-_.~ (what AWS query and form bodies use).
std::string percent_encode(std::string_view s);
// Decodes %XX and, when plus_is_space, '+'.
std::string percent_decode(std::string_view s, bool plus_is_space);
// k1=v1&k2=v2 with percent_encode on both sides, in the given order.
std::string form_encode(const std::vector<std::pair<std::string, std::string>>& fields);

}  // namespace spawn::util
