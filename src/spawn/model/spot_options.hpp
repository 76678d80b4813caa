#pragma once
// The spot part of `spawn launch`: the flags' values, parsed, and what they mean. Pure but for
// reading a local --checkpoint-script. Cross-flag rules are checked by model::validate.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "spawn/model/money.hpp"
#include "spawn/model/usage_error.hpp"
#include "spawn/util/expected.hpp"

namespace spawn::model {

// --on-interruption: what spored does when EC2 takes the spot instance back.
enum class OnInterruption { terminate, checkpoint, hibernate };
// --spot-allocation-strategy, EC2 Fleet's SpotOptions.AllocationStrategy.
enum class AllocationStrategy { price_capacity_optimized, capacity_optimized, lowest_price, diversified };

// Every value, in the order the help and the shell completion list them.
inline constexpr OnInterruption k_on_interruptions[] = {OnInterruption::checkpoint, OnInterruption::hibernate,
                                                        OnInterruption::terminate};
inline constexpr AllocationStrategy k_allocation_strategies[] = {
    AllocationStrategy::price_capacity_optimized, AllocationStrategy::capacity_optimized,
    AllocationStrategy::lowest_price, AllocationStrategy::diversified};

// "terminate" | "checkpoint" | "hibernate"
std::string_view to_string(OnInterruption value);
// EC2's spelling: "price-capacity-optimized", ...
std::string_view to_string(AllocationStrategy value);

// Where --checkpoint-script comes from.
struct CheckpointScript {
  enum class Kind { local_file, s3, https };
  Kind kind = Kind::local_file;
  std::string source;   // the path or URL as given
  std::string content;  // local_file: the file's bytes (embedded in the user-data)
  std::string sha256;   // local_file: hex SHA-256 of content

  // The value of the tag spawn:checkpoint-script: the s3:// URL, the https:// URL without its query
  // or fragment (they may hold a token), or "embedded:<sha256>".
  std::string tag_value() const;
};

struct SpotOptions {
  bool enabled = false;                                    // --spot
  std::optional<std::string> max_price;                    // --spot-max-price, USD per hour as typed
  bool fallback = false;                                   // --spot-fallback
  std::optional<AllocationStrategy> allocation_strategy;   // --spot-allocation-strategy
  std::optional<int> spot_count;                           // --spot-count
  std::optional<OnInterruption> on_interruption;           // --on-interruption
  std::optional<CheckpointScript> checkpoint_script;       // --checkpoint-script
  std::vector<std::string> notify;                         // --notify: SNS topic ARNs, https:// URLs (each once)
  std::optional<Usd> price_alert;                          // --price-alert: tell notify when the pool's price goes above

  OnInterruption interruption() const { return on_interruption.value_or(OnInterruption::terminate); }
  AllocationStrategy strategy() const {
    return allocation_strategy.value_or(AllocationStrategy::price_capacity_optimized);
  }
  // "0.05", or "on-demand" when no max price was given (EC2 then caps at the on-demand price):
  // the value of the tag spawn:spot-max-price.
  std::string max_price_tag() const { return max_price.value_or("on-demand"); }
};

// A positive decimal ("0.05", "1", "0.125"); anything else (0, -1, abc, 1e3, "", "$1") is an
// error naming --spot-max-price. Returns the price as given.
expected<std::string, UsageError> parse_spot_max_price(std::string_view text);
expected<AllocationStrategy, UsageError> parse_allocation_strategy(std::string_view text);
expected<OnInterruption, UsageError> parse_on_interruption(std::string_view text);
// Each --instance-types argument split on commas, entries kept as they are (empty ones too:
// validate() names them).
std::vector<std::string> split_instance_types(const std::vector<std::string>& args);
// s3://bucket/key and https://host/... are kept as URLs; http:// is refused (code fetched
// without integrity); any other scheme is refused; anything else is a local file, read now
// (missing, unreadable, not a regular file or empty: an error).
expected<CheckpointScript, UsageError> read_checkpoint_script(std::string_view arg);
// --notify: an SNS topic ARN (arn:<partition>:sns:<region>:<12-digit account>:<name>) or an
// https:// URL, returned as given; http:// is refused (the notice would travel in clear text),
// and so is anything else.
expected<std::string, UsageError> parse_notify_target(std::string_view text);
// --notify arguments, each a target or several separated by commas: a comma starts a new target
// only where one follows ("arn:", "https://", "http://"), since a URL's query may hold commas.
// Empty pieces are kept (parse_notify_target names them).
std::vector<std::string> split_notify_args(const std::vector<std::string>& args);
// An S3 bucket name as S3 allows for new buckets: 3-63 characters of a-z, 0-9, '.', '-',
// starting and ending with a letter or digit.
bool valid_bucket_name(std::string_view name);

}  // namespace spawn::model
