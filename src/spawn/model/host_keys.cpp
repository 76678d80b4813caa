#include "spawn/model/host_keys.hpp"

#include <algorithm>
#include <regex>

#include "spawn/util/encoding.hpp"
#include "spawn/util/sha256.hpp"

namespace spawn::model {
namespace {

constexpr std::string_view k_keys_begin = "-----BEGIN SSH HOST KEY KEYS-----";
constexpr std::string_view k_keys_end = "-----END SSH HOST KEY KEYS-----";
constexpr std::string_view k_prints_begin = "-----BEGIN SSH HOST KEY FINGERPRINTS-----";
constexpr std::string_view k_prints_end = "-----END SSH HOST KEY FINGERPRINTS-----";

const std::regex& key_line() {
  static const std::regex re(
      R"((ssh-ed25519|ssh-rsa|ecdsa-sha2-nistp(?:256|384|521)|sk-ssh-ed25519@openssh\.com|sk-ecdsa-sha2-nistp256@openssh\.com) ([A-Za-z0-9+/]+={0,2}))");
  return re;
}

const std::regex& fingerprint_line() {
  static const std::regex re(R"(\b\d+ (SHA256:[A-Za-z0-9+/]{43})\b)");
  return re;
}

}  // namespace

ConsoleHostKeys parse_console_host_keys(std::string_view console) {
  ConsoleHostKeys out;
  enum class In { none, keys, prints } in = In::none;
  std::vector<HostKey> keys;
  std::vector<std::string> prints;
  size_t start = 0;
  while (start < console.size()) {
    size_t end = console.find('\n', start);
    if (end == std::string_view::npos) end = console.size();
    std::string line(console.substr(start, end - start));
    start = end + 1;
    if (line.find(k_keys_begin) != std::string::npos) {
      in = In::keys;
      keys.clear();
    } else if (line.find(k_prints_begin) != std::string::npos) {
      in = In::prints;
      prints.clear();
    } else if (line.find(k_keys_end) != std::string::npos) {
      if (in == In::keys) out.keys = keys;  // a block counts only once it is whole
      in = In::none;
    } else if (line.find(k_prints_end) != std::string::npos) {
      if (in == In::prints) out.fingerprints = prints;
      in = In::none;
    } else if (in == In::keys) {
      std::smatch m;
      if (std::regex_search(line, m, key_line())) keys.push_back({m[1].str(), m[2].str()});
    } else if (in == In::prints) {
      std::smatch m;
      if (std::regex_search(line, m, fingerprint_line())) prints.push_back(m[1].str());
    }
  }
  return out;
}

std::string host_key_fingerprint(const HostKey& key) {
  auto blob = util::base64_decode(key.base64);
  if (!blob || blob->empty()) return {};
  std::string b64 = util::base64_encode(util::sha256_bytes(*blob));
  while (!b64.empty() && b64.back() == '=') b64.pop_back();
  return "SHA256:" + b64;
}

expected<std::vector<HostKey>, std::string> trusted_host_keys(const ConsoleHostKeys& console) {
  if (console.keys.empty())
    return unexpected(std::string(console.fingerprints.empty() ? "the console shows no SSH host key yet"
                                                               : "the console shows host key fingerprints but no keys"));
  for (const auto& key : console.keys) {
    const std::string print = host_key_fingerprint(key);
    if (print.empty()) return unexpected("the console's " + key.type + " host key is not valid base64");
    if (!console.fingerprints.empty() &&
        std::find(console.fingerprints.begin(), console.fingerprints.end(), print) == console.fingerprints.end())
      return unexpected("the console's " + key.type + " host key (" + print +
                        ") is not among the fingerprints it printed: trusting none of them");
  }
  return console.keys;
}

std::vector<HostKey> keys_matching(const std::vector<HostKey>& keys, const std::vector<std::string>& fingerprints) {
  std::vector<HostKey> out;
  for (const auto& key : keys)
    if (std::find(fingerprints.begin(), fingerprints.end(), host_key_fingerprint(key)) != fingerprints.end())
      out.push_back(key);
  return out;
}

std::string known_hosts_text(const std::string& alias, const std::vector<HostKey>& keys) {
  std::string text;
  for (const auto& key : keys) text += alias + " " + key.type + " " + key.base64 + "\n";
  return text;
}

}  // namespace spawn::model
