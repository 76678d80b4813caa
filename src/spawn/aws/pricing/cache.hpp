#pragma once
// On-demand prices from the Price List API kept on disk for a week, so that a second launch (or
// `spawn price`, or `spawn list`) asks nothing. One file per region,
// <dir>/on-demand-<region>.json:
//   {"version": 1, "endpoint": "https://api.pricing.us-east-1.amazonaws.com",
//    "prices": {"m7i.large": {"usd_per_hour": "0.1008", "fetched_at": "2026-11-27T10:00:00Z"}}}
// Written atomically (a private temporary file in the same folder, then rename), in a folder
// only its owner may enter. Prices from another endpoint (a local AWS, a proxy) are not used,
// so a test never leaves its prices behind for real use. Fallback-table prices are never stored.
#include <chrono>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>

#include "spawn/aws/config/environment.hpp"
#include "spawn/model/prices.hpp"
#include "spawn/util/expected.hpp"

namespace spawn::aws::pricing {

class PriceCache {
 public:
  using Clock = std::function<std::chrono::system_clock::time_point()>;
  static constexpr std::chrono::hours k_max_age{24 * 7};

  // $XDG_CACHE_HOME/spawn when XDG_CACHE_HOME is an absolute path (the XDG rule), else
  // $HOME/.cache/spawn; nullopt when neither is known (no cache then).
  static std::optional<std::string> default_dir(const config::Environment& env);

  // dir: nullopt for no cache at all (get finds nothing, put does nothing). endpoint: the
  // Price List endpoint the prices come from.
  PriceCache(std::optional<std::string> dir, std::string endpoint, Clock clock = {});

  // A price for the type in the region fetched from this endpoint less than a week ago, with
  // source cache and as_of its fetch time; nullopt otherwise (a missing, stale, unreadable or
  // malformed file reads as nothing cached: the price is asked again and the file rewritten).
  std::optional<model::OnDemandPrice> get(const std::string& region, const std::string& instance_type) const;
  // Records a price just fetched. An error (a sentence naming the file) when it cannot be
  // written; the caller carries on without the cache. Thread-safe.
  expected<void, std::string> put(const std::string& region, const std::string& instance_type, model::Usd hourly);

  // The file of a region (for messages and tests); "" without a cache folder.
  std::string file(const std::string& region) const;

 private:
  struct Entry {
    model::Usd hourly;
    std::chrono::system_clock::time_point fetched_at;
  };
  std::map<std::string, Entry> load(const std::string& region) const;

  std::optional<std::string> m_dir;
  std::string m_endpoint;
  Clock m_clock;
  mutable std::mutex m_mutex;
};

}  // namespace spawn::aws::pricing
