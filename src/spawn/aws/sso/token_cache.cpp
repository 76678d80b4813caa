#include "spawn/aws/sso/token_cache.hpp"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "spawn/util/sha1.hpp"
#include "spawn/util/time.hpp"

namespace spawn::aws::sso {
namespace {

constexpr std::size_t k_max_cache_file = 1 << 20;

Error invalid(const std::string& path, const std::string& why) {
  return local_error("InvalidConfig", "the SSO token cache " + path + " " + why +
                                          " (run aws sso login again to rewrite it)");
}

}  // namespace

std::string token_cache_path(std::string_view home, std::string_view key) {
  std::string base(home);
  while (base.size() > 1 && base.back() == '/') base.pop_back();
  return base + "/.aws/sso/cache/" + util::sha1_hex(key) + ".json";
}

Result<CachedToken> parse_token_cache(std::string_view text, const std::string& path) {
  auto doc = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded() || !doc.is_object()) return unexpected(invalid(path, "is not a JSON object"));
  auto token = doc.find("accessToken");
  if (token == doc.end() || !token->is_string() || token->get<std::string>().empty())
    return unexpected(invalid(path, "has no accessToken"));
  auto expires = doc.find("expiresAt");
  if (expires == doc.end() || !expires->is_string()) return unexpected(invalid(path, "has no expiresAt"));
  auto when = util::parse_rfc3339(expires->get<std::string>());
  if (!when) return unexpected(invalid(path, "has an expiresAt that is not an ISO 8601 time"));
  return CachedToken{token->get<std::string>(), *when};
}

Result<std::optional<CachedToken>> read_token_cache(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    if (errno == ENOENT || errno == ENOTDIR) return std::optional<CachedToken>();
    return unexpected(invalid(path, std::string("cannot be read: ") + std::strerror(errno)));
  }
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) return unexpected(invalid(path, "cannot be read"));
  std::string body = text.str();
  if (body.size() > k_max_cache_file) return unexpected(invalid(path, "is too large"));
  auto token = parse_token_cache(body, path);
  if (!token) return unexpected(token.error());
  return std::optional<CachedToken>(std::move(*token));
}

}  // namespace spawn::aws::sso
