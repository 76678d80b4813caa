#include "spawn/cli/history_reader.hpp"

#include <mutex>

#include "spawn/aws/pricing/cache.hpp"
#include "spawn/util/files.hpp"
#include "spawn/util/parallel.hpp"

namespace spawn::cli {

expected<std::optional<AgentLocation>, std::string> event_log_bucket(const aws::config::Environment& env) {
  auto path = spawn_config_path(env);
  if (!path) return std::optional<AgentLocation>();
  auto config = load_spawn_config(*path);
  if (!config) return unexpected(config.error());
  const AgentLocation* bucket = config->bucket();
  return bucket ? std::optional<AgentLocation>(*bucket) : std::nullopt;
}

HistoryRequest history_request(const AgentLocation& bucket, std::vector<std::string> regions, util::SystemTime from,
                               util::SystemTime now, const aws::config::Environment& env) {
  HistoryRequest request;
  request.regions = std::move(regions);
  request.from = from;
  request.now = now;
  request.bucket = bucket.bucket;
  request.cache_dir = aws::pricing::PriceCache::default_dir(env);
  return request;
}
namespace {

// Each key is listed from the log's own prefix; days are compared as text (YYYY-MM-DD sorts).
std::string day_of_key(const std::string& key, const std::string& region_prefix) {
  if (!key.starts_with(region_prefix + "day=")) return {};
  return key.substr(region_prefix.size() + 4, 10);
}

aws::Result<std::vector<std::string>> list_all(const aws::s3::Client& s3, aws::s3::ListRequest request,
                                               bool prefixes) {
  std::vector<std::string> out;
  for (;;) {
    auto page = s3.list_objects(request);
    if (!page) return unexpected(page.error());
    if (prefixes) out.insert(out.end(), page->common_prefixes.begin(), page->common_prefixes.end());
    for (auto& o : page->objects) out.push_back(std::move(o.key));
    if (!page->truncated) return out;
    request.continuation_token = page->next_token;
  }
}

}  // namespace

std::string event_cache_path(const std::string& cache_dir, const std::string& bucket, const std::string& key) {
  auto safe = [](const std::string& text) {
    if (text.empty() || text.front() == '/' || text.find("..") != std::string::npos || text.find("//") != std::string::npos)
      return false;
    for (char c : text)
      if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
            c == '_' || c == '=' || c == '/'))
        return false;
    return true;
  };
  if (!safe(bucket) || bucket.find('/') != std::string::npos || !safe(key) || key.ends_with('/')) return {};
  return cache_dir + "/events/" + bucket + "/" + key;
}

aws::Result<HistoryRead> read_history(const aws::s3::Client& s3, const HistoryRequest& request) {
  HistoryRead read;
  read.regions = request.regions;
  if (read.regions.empty()) {
    // region=<name>/ under the log's prefix: the regions that have a log at all.
    auto prefixes = list_all(s3, {model::k_event_log_prefix, "/", "", "", std::nullopt}, true);
    if (!prefixes) return unexpected(prefixes.error());
    const std::string head = std::string(model::k_event_log_prefix) + "region=";
    for (const auto& p : *prefixes)
      if (p.starts_with(head) && p.ends_with('/')) read.regions.push_back(p.substr(head.size(), p.size() - head.size() - 1));
  }

  const std::string first_day = model::event_day(request.from);
  const std::string last_day = model::event_day(request.now + std::chrono::hours(24));  // clock skew
  std::vector<std::string> keys;
  for (const auto& region : read.regions) {
    const std::string prefix = model::event_region_prefix(region);
    aws::s3::ListRequest list{prefix, "", prefix + "day=" + first_day, "", std::nullopt};
    auto listed = list_all(s3, list, false);
    if (!listed) return unexpected(listed.error());
    for (auto& key : *listed) {
      const std::string day = day_of_key(key, prefix);
      if (day.size() != 10 || day < first_day || day > last_day || !key.ends_with(".json")) continue;
      keys.push_back(std::move(key));
    }
  }
  read.listed = static_cast<int>(keys.size());

  std::vector<std::optional<std::string>> bodies(keys.size());
  std::mutex mutex;
  util::parallel_for(keys.size(), request.concurrency, [&](std::size_t i) {
    const std::string path =
        request.cache_dir ? event_cache_path(*request.cache_dir, request.bucket, keys[i]) : std::string();
    if (!path.empty()) {
      if (auto cached = util::read_file(path); cached && *cached) {
        bodies[i] = std::move(**cached);
        std::lock_guard lock(mutex);
        ++read.cached;
        return;
      }
    }
    auto object = s3.get_object(keys[i], {}, 64 * 1024);
    if (!object) return;  // unreadable (counted below)
    bodies[i] = object->body;
    {
      std::lock_guard lock(mutex);
      ++read.fetched;
    }
    // Kept whatever it holds: an object never changes (one key per event), so a corrupt one stays
    // corrupt, and is counted as unreadable at each run without being asked for again.
    if (!path.empty()) {
      const std::string folder = path.substr(0, path.rfind('/'));
      if (util::ensure_dir(folder, 0700)) (void)util::write_file_atomically(path, object->body, 0600);
    }
  });

  for (auto& body : bodies) {
    if (!body) {
      ++read.unreadable;
      continue;
    }
    auto event = model::parse_event(*body);
    if (!event) {
      ++read.unreadable;
      continue;
    }
    read.events.push_back(std::move(*event));
  }
  return read;
}

}  // namespace spawn::cli
