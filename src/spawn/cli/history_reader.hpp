#pragma once
// Reading spored's event log for `spawn history`: ListObjectsV2 over each region's day partitions
// in the window (one listing per region, from the first day on: start-after), then GetObject of
// the objects not cached yet, concurrently. The objects never change (one key per event), so
// each is kept under the cache folder once read and never asked for again.
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "spawn/aws/config/environment.hpp"
#include "spawn/aws/s3/client.hpp"
#include "spawn/cli/spawn_config.hpp"
#include "spawn/model/event_record.hpp"
#include "spawn/util/time.hpp"

namespace spawn::cli {

struct HistoryRequest {
  std::vector<std::string> regions;        // the partitions to read; empty: every region the log has
  util::SystemTime from{};                 // the first day read is from's (UTC)
  util::SystemTime now{};                  // days after now's (and one day of clock skew) are left out
  std::optional<std::string> cache_dir;    // <cache>/events/<bucket>/<key>; nullopt: no cache
  std::string bucket;                      // for the cache's path
  std::size_t concurrency = 8;             // GetObject at once
};

struct HistoryRead {
  std::vector<model::LoggedEvent> events;
  std::vector<std::string> regions;        // those read
  int unreadable = 0;                      // objects that are no event (skipped)
  int listed = 0;
  int fetched = 0;                         // GetObject calls that returned an object
  int cached = 0;                          // read from the cache
};

// Where spored logs: the bucket of 'spawn agent upload', from spawn's config file; nullopt when
// spawn knows none; the config file's problem when it cannot be read.
expected<std::optional<AgentLocation>, std::string> event_log_bucket(const aws::config::Environment& env);

// The request for the events of [from, now] in those regions (empty: every region the log has),
// kept in the user's cache folder ($XDG_CACHE_HOME/spawn/events).
HistoryRequest history_request(const AgentLocation& bucket, std::vector<std::string> regions, util::SystemTime from,
                               util::SystemTime now, const aws::config::Environment& env);

// The events of the window. The first S3 error of a listing is the error (NoSuchBucket,
// AccessDenied...); an object that cannot be fetched or parsed is counted as unreadable.
aws::Result<HistoryRead> read_history(const aws::s3::Client& s3, const HistoryRequest& request);

// The cache file of an object, "" when the key cannot name a file safely (a "..", an odd byte).
std::string event_cache_path(const std::string& cache_dir, const std::string& bucket, const std::string& key);

}  // namespace spawn::cli
