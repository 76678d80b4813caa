#include "spawn/agent/price_watch.hpp"

#include "spawn/util/files.hpp"
#include "spawn/util/time.hpp"

namespace spawn::agent {
namespace {

// Whether the state file says the alert (the same threshold) was above when spored last stopped.
bool was_alerting(const std::string& file, model::Usd threshold) {
  auto text = util::read_file(file);
  if (!text || !*text) return false;
  auto doc = nlohmann::json::parse(**text, nullptr, false);
  if (!doc.is_object() || !doc.contains("threshold") || !doc["threshold"].is_string()) return false;
  auto saved = model::Usd::parse(doc["threshold"].get<std::string>());
  return saved && *saved == threshold && doc.value("alerting", false);
}

}  // namespace

PriceWatch::PriceWatch(model::Usd threshold, std::chrono::seconds every, std::string state_dir, SpotPriceRead read,
                       Clocks clocks, std::shared_ptr<Logger> log)
    : m_threshold(threshold),
      m_every(every),
      m_file(std::move(state_dir) + "/" + k_price_alert_file),
      m_read(std::move(read)),
      m_clocks(std::move(clocks)),
      m_log(std::move(log)),
      m_state(model::AlertRule::price_above(threshold), was_alerting(m_file, threshold)) {}

bool PriceWatch::due() const {
  std::lock_guard lock(m_mutex);
  return !m_next || m_clocks.steady() >= *m_next;
}

std::optional<PriceCrossing> PriceWatch::check() {
  {
    std::lock_guard lock(m_mutex);
    m_next = m_clocks.steady() + m_every;
    ++m_checks;
  }
  auto price = m_read();
  const util::SystemTime now = m_clocks.wall();
  std::lock_guard lock(m_mutex);
  if (!price) {
    m_last_error = price.error().describe();
    m_log->warning("price_check_failed", {{"error", m_last_error}, {"next_in_seconds", m_every.count()}});
    return std::nullopt;
  }
  m_last_error.clear();
  if (!*price) {
    m_log->info("price_unknown", {{"message", "EC2 has no spot price for this instance's pool"}});
    return std::nullopt;
  }
  m_last_price = **price;
  m_last_at = util::format_rfc3339(now);
  auto change = m_state.observe(price->value().units());
  if (!change) return std::nullopt;
  save();
  return PriceCrossing{*change, **price, m_threshold, now};
}

void PriceWatch::save() const {
  nlohmann::json doc = {{"threshold", m_threshold.text()},
                        {"alerting", m_state.alerting()},
                        {"price", m_last_price ? nlohmann::json(m_last_price->text()) : nlohmann::json(nullptr)},
                        {"at", m_last_at}};
  if (auto written = util::write_file_atomically(m_file, doc.dump() + "\n", 0644); !written)
    m_log->error("state_write_failed", {{"error", written.error()},
                                        {"consequence", "a restarted spored may tell this price change again"}});
}

nlohmann::json PriceWatch::status() const {
  std::lock_guard lock(m_mutex);
  return {{"alert_above", m_threshold.text()},
          {"check_every_seconds", m_every.count()},
          {"checks", m_checks},
          {"price", m_last_price ? nlohmann::json(m_last_price->text()) : nlohmann::json(nullptr)},
          {"price_at", m_last_at.empty() ? nlohmann::json(nullptr) : nlohmann::json(m_last_at)},
          {"above", m_state.alerting()},
          {"last_error", m_last_error.empty() ? nlohmann::json(nullptr) : nlohmann::json(m_last_error)}};
}

}  // namespace spawn::agent
