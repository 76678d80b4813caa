#include "spawn/aws/pricing/cache.hpp"

#include <nlohmann/json.hpp>

#include "spawn/util/files.hpp"
#include "spawn/util/time.hpp"

namespace spawn::aws::pricing {
namespace {
constexpr int k_format_version = 1;

// Region names become file names: keep them to what region names are made of.
bool safe_name(const std::string& region) {
  if (region.empty()) return false;
  for (char c : region)
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) return false;
  return true;
}
}  // namespace

std::optional<std::string> PriceCache::default_dir(const config::Environment& env) {
  if (auto xdg = env("XDG_CACHE_HOME"); xdg && !xdg->empty() && xdg->front() == '/') return *xdg + "/spawn";
  if (auto home = env("HOME"); home && !home->empty()) return *home + "/.cache/spawn";
  return std::nullopt;
}

PriceCache::PriceCache(std::optional<std::string> dir, std::string endpoint, Clock clock)
    : m_dir(std::move(dir)), m_endpoint(std::move(endpoint)), m_clock(std::move(clock)) {
  if (!m_clock) m_clock = [] { return std::chrono::system_clock::now(); };
}

std::string PriceCache::file(const std::string& region) const {
  if (!m_dir || !safe_name(region)) return {};
  return *m_dir + "/on-demand-" + region + ".json";
}

std::map<std::string, PriceCache::Entry> PriceCache::load(const std::string& region) const {
  std::map<std::string, Entry> entries;
  const std::string path = file(region);
  if (path.empty()) return entries;
  auto text = util::read_file(path);
  if (!text || !*text) return entries;
  auto doc = nlohmann::json::parse(**text, nullptr, false);
  if (doc.is_discarded() || !doc.is_object() || doc.value("version", 0) != k_format_version) return entries;
  if (!doc.contains("endpoint") || doc["endpoint"] != m_endpoint) return entries;
  if (!doc.contains("prices") || !doc["prices"].is_object()) return entries;
  for (const auto& [type, item] : doc["prices"].items()) {
    if (!item.is_object() || !item.contains("usd_per_hour") || !item.contains("fetched_at")) continue;
    if (!item["usd_per_hour"].is_string() || !item["fetched_at"].is_string()) continue;
    auto hourly = model::Usd::parse(item["usd_per_hour"].get<std::string>());
    auto at = util::parse_rfc3339(item["fetched_at"].get<std::string>());
    if (hourly && at) entries[type] = Entry{*hourly, *at};
  }
  return entries;
}

std::optional<model::OnDemandPrice> PriceCache::get(const std::string& region, const std::string& instance_type) const {
  auto entries = load(region);
  auto it = entries.find(instance_type);
  if (it == entries.end()) return std::nullopt;
  const auto age = m_clock() - it->second.fetched_at;
  // A fetch time in the future (clock changed) is not trusted either.
  if (age < std::chrono::minutes(-5) || age >= k_max_age) return std::nullopt;
  return model::OnDemandPrice{it->second.hourly, model::PriceSource::cache, util::format_rfc3339(it->second.fetched_at)};
}

expected<void, std::string> PriceCache::put(const std::string& region, const std::string& instance_type,
                                            model::Usd hourly) {
  const std::string path = file(region);
  if (path.empty()) return {};
  std::lock_guard lock(m_mutex);
  if (auto ok = util::ensure_private_dir(*m_dir); !ok) {
    // The parent (~/.cache) may not exist yet: create it as XDG wants (0700), then ours.
    auto parent = m_dir->substr(0, m_dir->find_last_of('/'));
    if (auto made = util::ensure_dir(parent, 0700); !made) return unexpected(made.error());
    if (auto again = util::ensure_private_dir(*m_dir); !again) return unexpected(again.error());
  }
  auto entries = load(region);
  entries[instance_type] = Entry{hourly, m_clock()};
  const auto now = m_clock();
  nlohmann::json prices = nlohmann::json::object();
  for (const auto& [type, e] : entries) {
    if (now - e.fetched_at >= k_max_age) continue;  // drop what has gone stale
    prices[type] = {{"usd_per_hour", e.hourly.text(1)}, {"fetched_at", util::format_rfc3339(e.fetched_at)}};
  }
  nlohmann::json doc{{"version", k_format_version}, {"endpoint", m_endpoint}, {"prices", prices}};
  return util::write_file_atomically(path, doc.dump(2) + "\n", 0600);
}

}  // namespace spawn::aws::pricing
