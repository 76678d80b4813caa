#pragma once
// --price-alert: spored's look at its own pool's spot price. Every check period (5 minutes by
// default: 12 DescribeSpotPriceHistory calls an hour, for its type and AZ, Linux/UNIX, the price
// in effect now) the price goes through model::AlertState, so the owner is told once when it goes
// above the alert and once when it is back below the band (model/price_alert.hpp). The state is
// kept in <state dir>/price-alert.json, so a restarted spored does not tell a crossing again.
// Like the monitors it does no waiting itself: the daemon asks due() each poll and runs check()
// on a worker, so a slow answer never holds up the watch for notices.
#include <chrono>
#include <functional>
#include <mutex>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "spawn/agent/clocks.hpp"
#include "spawn/agent/log.hpp"
#include "spawn/aws/error.hpp"
#include "spawn/model/money.hpp"
#include "spawn/model/price_alert.hpp"

namespace spawn::agent {

inline constexpr const char* k_price_alert_file = "price-alert.json";

// The pool's spot price now; nullopt when EC2 has none for it.
using SpotPriceRead = std::function<aws::Result<std::optional<model::Usd>>()>;

// A change to tell.
struct PriceCrossing {
  model::AlertChange change = model::AlertChange::crossed;
  model::Usd price;
  model::Usd threshold;
  util::SystemTime at;
};

class PriceWatch {
 public:
  PriceWatch(model::Usd threshold, std::chrono::seconds every, std::string state_dir, SpotPriceRead read,
             Clocks clocks, std::shared_ptr<Logger> log);

  model::Usd threshold() const { return m_threshold; }
  // Whether a look is due: at once after start, then every period from the last look's start.
  bool due() const;
  // One look. A failed one is logged (price_check_failed) and tried again a period later.
  std::optional<PriceCrossing> check();
  // For status.json: the alert, the last price and when, whether it is above.
  nlohmann::json status() const;

 private:
  void save() const;

  model::Usd m_threshold;
  std::chrono::seconds m_every;
  std::string m_file;
  SpotPriceRead m_read;
  Clocks m_clocks;
  std::shared_ptr<Logger> m_log;
  mutable std::mutex m_mutex;
  model::AlertState m_state;
  std::optional<SteadyTime> m_next;
  std::optional<model::Usd> m_last_price;
  std::string m_last_at;   // RFC 3339 of the last answer
  std::string m_last_error;
  long m_checks = 0;
};

}  // namespace spawn::agent
