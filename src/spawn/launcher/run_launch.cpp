#include "spawn/launcher/run_launch.hpp"

#include <fmt/format.h>

#include <map>

#include "spawn/launcher/spot_plan.hpp"
#include "spawn/util/encoding.hpp"

namespace spawn::launcher {
namespace {

// One logical RunInstances: one ClientToken for every attempt, the client's retries and the
// resends after an unanswered call alike, so that EC2 launches it at most once.
aws::Result<aws::ec2::Reservation> send(const LaunchContext& ctx, aws::ec2::RunInstancesInput in,
                                        const std::optional<std::string>& user_data, const std::string& launch_id) {
  in.client_token = util::random_uuid();
  if (user_data) in.user_data_base64 = util::base64_encode(*user_data);
  auto r = ctx.ec2.run_instances(in);
  if (r || in.dry_run || !outcome_unknown(r.error())) return r;
  r = resend<aws::ec2::Reservation>([&] { return ctx.ec2.run_instances(in); }, std::move(r), ctx.warn,
                                    [&ctx](std::chrono::milliseconds d) { ctx.pause(d); });
  if (!r && outcome_unknown(r.error())) return unexpected(sweep_launch(ctx, launch_id, r.error()));
  return r;
}

}  // namespace

std::vector<std::string> persistent_requests(const aws::ec2::RunInstancesInput& in,
                                             const std::vector<aws::ec2::Instance>& instances) {
  if (!in.spot || in.spot->request_type != "persistent") return {};
  return spot_requests_of(instances);
}

aws::Error explain_spot_error(const aws::ec2::Client& ec2, aws::Error error, const std::string& instance_type, int count,
                              const std::optional<std::string>& max_price) {
  const std::string what = count == 1 ? instance_type : fmt::format("{} x {}", count, instance_type);
  if (error.code != "SpotMaxPriceTooLow") {
    error.message = fmt::format("no spot capacity for {}: {}", what, error.message);
    return error;
  }
  std::string given = max_price ? fmt::format("{} USD/h", *max_price) : std::string("the on-demand price");
  auto prices = ec2.describe_current_spot_prices({instance_type});
  std::map<std::string, aws::ec2::SpotPrice> lowest;
  if (prices) lowest = aws::ec2::lowest_current_prices(*prices);
  if (auto it = lowest.find(instance_type); it != lowest.end()) {
    error.message = fmt::format("your spot max price {} for {} is below the current spot price, {} USD/h ({}, the lowest "
                                "in the region)", given, instance_type, aws::ec2::trim_price(it->second.price),
                                it->second.availability_zone);
  } else {
    error.message = fmt::format("your spot max price {} for {} is below the current spot price ({}; the current price "
                                "could not be read: {})", given, instance_type, error.message,
                                prices ? "no price history" : prices.error().describe());
  }
  return error;
}

aws::Result<RunLaunchOutcome> run_launch(const LaunchContext& ctx, const RunLaunchInput& input) {
  RunLaunchOutcome outcome;
  aws::ec2::RunInstancesInput in = input.request;
  const bool spot = input.spot.enabled;
  std::optional<std::string> user_data = input.user_data;
  if (spot) {
    aws::ec2::RunInstancesInput::Spot options;
    options.max_price = input.spot.max_price;
    if (input.spot.interruption() == model::OnInterruption::hibernate) {
      // EC2: a spot instance hibernates only from a persistent request with that behaviour. Such
      // a request launches a new instance whenever its instance is terminated, so it ends with
      // the TTL at the latest (and spawn and spored cancel it before terminating).
      options.request_type = "persistent";
      options.interruption_behavior = "hibernate";
      options.valid_until = input.valid_until;
    }
    options.request_tags = input.request_tags;
    in.spot = options;
    for (const auto& [k, v] : member_spot_tags(true, false)) in.tags[k] = v;
    user_data = input.spot_user_data;
  }

  auto reservation = send(ctx, in, user_data, input.launch_id);
  if (!reservation && spot && aws::is_capacity(reservation.error())) {
    const aws::Error spot_error = reservation.error();
    if (!input.spot.fallback)
      return unexpected(explain_spot_error(ctx.ec2, spot_error, in.instance_type, in.count, input.spot.max_price));
    ctx.warn(fmt::format("Spot unavailable ({}), falling back to on-demand...", spot_error.code));
    aws::ec2::RunInstancesInput od = in;
    od.spot.reset();
    for (const auto& [k, v] : member_spot_tags(false, true)) od.tags[k] = v;
    reservation = send(ctx, od, input.on_demand_user_data, input.launch_id);
    if (!reservation) {
      aws::Error e = reservation.error();
      e.message = fmt::format("spot unavailable ({}) and the on-demand fallback failed too: {}", spot_error.code, e.message);
      return unexpected(e);
    }
    outcome.fell_back = true;
  }
  if (!reservation) return unexpected(reservation.error());
  if (in.dry_run) return outcome;

  std::vector<std::string> ids;
  for (const auto& i : reservation->instances) ids.push_back(i.instance_id);
  if (reservation->instances.size() != static_cast<size_t>(in.count)) {
    return unexpected(roll_back(ctx, ids, aws::local_error("PartialLaunch",
        fmt::format("EC2 launched {} of the {} instances asked for", reservation->instances.size(), in.count)),
        outcome.fell_back ? std::vector<std::string>{} : persistent_requests(in, reservation->instances)));
  }
  if (!outcome.fell_back) outcome.persistent_requests = persistent_requests(in, reservation->instances);
  outcome.reservation = std::move(*reservation);
  return outcome;
}

}  // namespace spawn::launcher
