#include "spawn/model/spot_options.hpp"

#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include "spawn/model/tags.hpp"
#include "spawn/util/encoding.hpp"
#include "spawn/util/sha256.hpp"
#include "spawn/util/url.hpp"

namespace spawn::model {
namespace {

constexpr const char* k_script_expected = "expected a local file, s3://bucket/key or https://... URL";

UsageError script_error(const std::string& what) { return UsageError{"--checkpoint-script: " + what}; }

// A URL is (the start of) the value of the tag spawn:checkpoint-script, and EC2 refuses tag values
// over 256 characters: said here, before anything is launched.
expected<CheckpointScript, UsageError> fits_its_tag(CheckpointScript script) {
  const std::string tag_value = script.tag_value();
  const size_t length = util::utf8_length(tag_value);
  if (length <= tag::k_value_limit) return script;
  return unexpected(script_error("a URL of at most " + std::to_string(tag::k_value_limit) +
                                 " characters before its query (the tag " + tag::k_checkpoint_script + " holds it), got " +
                                 std::to_string(length)));
}

}  // namespace

bool valid_bucket_name(std::string_view b) {
  if (b.size() < 3 || b.size() > 63) return false;
  for (char c : b)
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '-')) return false;
  return b.front() != '.' && b.front() != '-' && b.back() != '.' && b.back() != '-';
}

std::string_view to_string(OnInterruption value) {
  switch (value) {
    case OnInterruption::terminate: return "terminate";
    case OnInterruption::checkpoint: return "checkpoint";
    case OnInterruption::hibernate: return "hibernate";
  }
  return "terminate";
}

std::string_view to_string(AllocationStrategy value) {
  switch (value) {
    case AllocationStrategy::price_capacity_optimized: return "price-capacity-optimized";
    case AllocationStrategy::capacity_optimized: return "capacity-optimized";
    case AllocationStrategy::lowest_price: return "lowest-price";
    case AllocationStrategy::diversified: return "diversified";
  }
  return "price-capacity-optimized";
}

// A tag is public to whoever may describe the instance (and to the instance's own metadata), so an
// https:// URL goes there without its query or fragment, where tokens and signatures travel; the
// instance reads the whole URL from its user-data.
std::string CheckpointScript::tag_value() const {
  if (kind == Kind::local_file) return "embedded:" + sha256;
  if (kind == Kind::https) return source.substr(0, source.find_first_of("?#"));
  return source;
}

expected<std::string, UsageError> parse_spot_max_price(std::string_view text) {
  // Plain decimals only: EC2 reads MaxPrice as a decimal string, and an exponent or a sign
  // is more likely a typo than a price.
  static const std::regex k_decimal(R"([0-9]{1,6}(\.[0-9]{1,10})?)");
  const std::string s(text);
  bool positive = std::regex_match(s, k_decimal) && s.find_first_of("123456789") != std::string::npos;
  if (!positive)
    return unexpected(UsageError{"--spot-max-price: expected a positive price in USD per hour such as 0.05, got '" + s + "'"});
  return s;
}

expected<AllocationStrategy, UsageError> parse_allocation_strategy(std::string_view text) {
  for (auto s : k_allocation_strategies)
    if (text == to_string(s)) return s;
  return unexpected(UsageError{"--spot-allocation-strategy: expected price-capacity-optimized, capacity-optimized, "
                               "lowest-price or diversified, got '" + std::string(text) + "'"});
}

expected<OnInterruption, UsageError> parse_on_interruption(std::string_view text) {
  for (auto a : k_on_interruptions)
    if (text == to_string(a)) return a;
  return unexpected(UsageError{"--on-interruption: expected checkpoint, hibernate or terminate, got '" +
                               std::string(text) + "'"});
}

std::vector<std::string> split_instance_types(const std::vector<std::string>& args) {
  std::vector<std::string> out;
  for (const auto& arg : args) {
    size_t start = 0;
    for (;;) {
      size_t comma = arg.find(',', start);
      out.push_back(arg.substr(start, comma == std::string::npos ? std::string::npos : comma - start));
      if (comma == std::string::npos) break;
      start = comma + 1;
    }
  }
  return out;
}

expected<CheckpointScript, UsageError> read_checkpoint_script(std::string_view arg) {
  CheckpointScript script;
  script.source = std::string(arg);
  if (arg.empty()) return unexpected(script_error(std::string(k_script_expected) + ", got ''"));
  if (arg.starts_with("http://"))
    return unexpected(script_error("http:// is refused: code fetched without integrity can be changed on the way; "
                                   "use https:// or s3://"));
  if (arg.starts_with("s3://")) {
    std::string_view rest = arg.substr(5);
    auto slash = rest.find('/');
    if (slash == std::string_view::npos || !valid_bucket_name(rest.substr(0, slash)) || slash + 1 == rest.size())
      return unexpected(script_error("expected s3://bucket/key, got '" + script.source + "'"));
    script.kind = CheckpointScript::Kind::s3;
    return fits_its_tag(script);
  }
  if (arg.starts_with("https://")) {
    if (!util::parse_url(arg)) return unexpected(script_error("not a valid https:// URL: '" + script.source + "'"));
    script.kind = CheckpointScript::Kind::https;
    return fits_its_tag(script);
  }
  static const std::regex k_scheme(R"([A-Za-z][A-Za-z0-9+.-]*://.*)");
  if (std::regex_match(script.source, k_scheme))
    return unexpected(script_error(std::string(k_script_expected) + ", got '" + script.source + "'"));

  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::exists(script.source, ec)) return unexpected(script_error("no such file '" + script.source + "'"));
  if (!fs::is_regular_file(script.source, ec)) return unexpected(script_error("'" + script.source + "' is not a file"));
  std::ifstream in(script.source, std::ios::binary);
  std::ostringstream buf;
  if (in) buf << in.rdbuf();
  if (!in || in.bad()) return unexpected(script_error("cannot read '" + script.source + "'"));
  script.content = buf.str();
  if (script.content.empty()) return unexpected(script_error("'" + script.source + "' is empty"));
  script.sha256 = util::sha256_hex(script.content);
  return script;
}

std::vector<std::string> split_notify_args(const std::vector<std::string>& args) {
  std::vector<std::string> out;
  for (const auto& arg : args) {
    std::string current;
    for (size_t i = 0; i < arg.size(); ++i) {
      const std::string_view rest = std::string_view(arg).substr(i + 1);
      if (arg[i] == ',' && (rest.empty() || rest.starts_with("arn:") || rest.starts_with("https://") ||
                            rest.starts_with("http://") || rest.starts_with(','))) {
        out.push_back(std::move(current));
        current.clear();
        continue;
      }
      current += arg[i];
    }
    out.push_back(std::move(current));
  }
  return out;
}

expected<std::string, UsageError> parse_notify_target(std::string_view text) {
  const std::string target(text);
  if (target.starts_with("arn:")) {
    // arn:partition:sns:region:account:name, the name 1-256 of A-Za-z0-9_- (.fifo allowed).
    static const std::regex k_topic(R"(arn:aws[a-z-]*:sns:[a-z]{2}(-[a-z]+)+-[0-9]+:[0-9]{12}:[A-Za-z0-9_-]{1,256}(\.fifo)?)");
    if (!std::regex_match(target, k_topic))
      return unexpected(UsageError{"--notify: not an SNS topic ARN (arn:aws:sns:REGION:ACCOUNT:NAME): '" +
                                   target.substr(0, 120) + "'"});
    return target;
  }
  if (target.starts_with("http://"))
    return unexpected(UsageError{"--notify: http:// is refused: the notice would travel in clear text; use https://"});
  if (target.starts_with("https://")) {
    if (!util::parse_url(target)) return unexpected(UsageError{"--notify: not a valid https:// URL"});
    return target;
  }
  return unexpected(UsageError{"--notify: expected an SNS topic ARN or an https:// URL, got '" + target.substr(0, 120) + "'"});
}

}  // namespace spawn::model
