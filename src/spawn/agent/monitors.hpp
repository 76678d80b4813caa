#pragma once
// The monitors. Each one "checks once": one look at its source, at most one event back, no loop
// and no sleeping (the loop lives in daemon.cpp alone), so tests call check_once() directly
// against a scripted transport or an injected clock.
#include <memory>
#include <optional>
#include <string_view>

#include "spawn/agent/clocks.hpp"
#include "spawn/agent/event.hpp"
#include "spawn/aws/error.hpp"
#include "spawn/aws/imds/client.hpp"

namespace spawn::agent {

class Monitor {
 public:
  virtual ~Monitor() = default;
  // What it watches, for logs and `spored status` ("spot/instance-action", "ttl", ...).
  virtual std::string_view name() const = 0;
  // One look: an event, nullopt when there is nothing to report, or an error (metadata service
  // unreachable, throttling, a body that does not parse) that the loop logs before trying again.
  virtual aws::Result<std::optional<Event>> check_once() = 0;
};

inline constexpr const char* k_instance_action_path = "meta-data/spot/instance-action";
inline constexpr const char* k_rebalance_path = "meta-data/events/recommendations/rebalance";

// spot/instance-action: an interruption event while a notice is posted (404: none).
std::unique_ptr<Monitor> make_spot_notice_monitor(std::shared_ptr<aws::imds::Client> imds);

// events/recommendations/rebalance: a rebalance event while a recommendation is posted.
std::unique_ptr<Monitor> make_rebalance_monitor(std::shared_ptr<aws::imds::Client> imds);

// The TTL: a ttl_warning event from five minutes before deadline, a ttl_deadline event from the
// deadline on (each time it is asked; the event store keeps them to once). Never an error.
std::unique_ptr<Monitor> make_ttl_monitor(util::SystemTime deadline, std::function<util::SystemTime()> wall_clock);

}  // namespace spawn::agent
