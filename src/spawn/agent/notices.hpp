#pragma once
// The bodies the metadata service gives for notices, parsed (pure functions).
// https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/spot-instance-termination-notices.html
// https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/rebalance-recommendations.html
#include <string>
#include <string_view>

#include "spawn/agent/event.hpp"
#include "spawn/util/expected.hpp"

namespace spawn::agent {

// spot/instance-action: {"action": "terminate|stop|hibernate", "time": "2026-11-27T10:02:00Z"}.
// An interruption event. An action other than the three is kept as given (still a notice); a
// time that does not parse leaves Event::time empty (the deadline then ignores it). An error (a
// sentence) when the body is not a JSON object with a non-empty string "action": the next poll
// reads it again.
expected<Event, std::string> parse_instance_action(std::string_view body);

// events/recommendations/rebalance: {"noticeTime": "2026-11-27T10:00:00Z"}. A rebalance event.
// An error (a sentence) when the body is not a JSON object with a string "noticeTime".
expected<Event, std::string> parse_rebalance(std::string_view body);

}  // namespace spawn::agent
