#pragma once
// The RunInstances route: one type, one subnet, one market per call. A spot launch asks for
// the whole array in one spot call; on a capacity error with --spot-fallback the whole array
// is asked for again on demand (RunInstances is all or nothing: nothing was launched).
#include <optional>
#include <string>

#include "spawn/aws/ec2/client.hpp"
#include "spawn/launcher/launch_steps.hpp"
#include "spawn/model/spot_options.hpp"

namespace spawn::launcher {

struct RunLaunchInput {
  aws::ec2::RunInstancesInput request;  // everything but ClientToken, the market, its tags and the user-data
  model::SpotOptions spot;              // spot.enabled false: an on-demand launch
  std::optional<std::string> user_data;            // on-demand launch
  std::optional<std::string> spot_user_data;       // the spot call
  std::optional<std::string> on_demand_user_data;  // the fallback call
  std::string launch_id;                           // for the sweep after an unanswered call
  std::optional<std::string> valid_until;          // a persistent request's end (RFC 3339): the TTL
  aws::ec2::Tags request_tags;                     // on the spot requests (the sweep finds them by launch id)
};

struct RunLaunchOutcome {
  aws::ec2::Reservation reservation;  // empty after a dry run
  bool fell_back = false;             // the instances are the on-demand fallback
  std::vector<std::string> persistent_requests;  // to cancel before terminating these instances
};

// The spot requests of these instances that a call like `in` made persistent (none otherwise).
std::vector<std::string> persistent_requests(const aws::ec2::RunInstancesInput& in,
                                             const std::vector<aws::ec2::Instance>& instances);

// One RunInstances (two with a fallback), each with its own ClientToken reused on retries.
// Errors: capacity errors in plain words (SpotMaxPriceTooLow with the current spot price);
// an unanswered call is followed by a sweep; fewer instances than asked are rolled back.
aws::Result<RunLaunchOutcome> run_launch(const LaunchContext& ctx, const RunLaunchInput& input);

// For SpotMaxPriceTooLow: the message with the current spot price of the type next to the max
// price given (when DescribeSpotPriceHistory answers). Other errors are returned unchanged.
aws::Error explain_spot_error(const aws::ec2::Client& ec2, aws::Error error, const std::string& instance_type,
                              int count, const std::optional<std::string>& max_price);

}  // namespace spawn::launcher
