#include "spawn/cli/one_instance.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>

#include "spawn/cli/instance_selection.hpp"
#include "spawn/model/tags.hpp"

namespace spawn::cli {
namespace tag = model::tag;

void OneInstance::add_options(CLI::App& app) {
  app.add_option("instance", target, "instance id or Name (not with --job-array-name)");
  app.add_option("--job-array-name", job_array, "a member of this job array (with --index)");
  app.add_option("--index", index, "the member's index in the job array");
}

std::string OneInstance::usage_error() const {
  if (job_array) {
    if (!target.empty()) return "give an instance id or name, or --job-array-name with --index (not both)";
    if (job_array->empty()) return "--job-array-name: expected a name";
    if (!index) return "--job-array-name needs --index K (which member)";
    if (*index < 0) return "--index: expected 0 or more";
    return {};
  }
  if (index) return "--index needs --job-array-name";
  if (target.empty()) return "which instance? give its id or Name, or --job-array-name X --index K";
  if (target.starts_with("i-") && !valid_instance_id(target))
    return "expected an instance id like i-0abc1234def567890, got '" + target + "'";
  return {};
}

expected<aws::ec2::Instance, CommandFailure> find_one(const aws::ec2::Client& ec2, const OneInstance& which,
                                                      bool live_only) {
  std::vector<aws::ec2::Filter> filters{{"tag:" + std::string(tag::k_managed), {"true"}}};
  if (live_only) filters.push_back({"instance-state-name", {"pending", "running", "stopping", "stopped"}});
  std::vector<std::string> ids;
  std::string what;
  if (which.job_array) {
    filters.push_back({"tag:" + std::string(tag::k_job_array_name), {*which.job_array}});
    what = fmt::format("job array {}", *which.job_array);
  } else if (valid_instance_id(which.target)) {
    ids.push_back(which.target);
    what = which.target;
  } else {
    filters.push_back(name_filter(which.target));
    what = "the name " + which.target;
  }
  auto found = ec2.describe_instances(filters, ids);
  if (!found) {
    if (!ids.empty() && found.error().code == "InvalidInstanceID.NotFound")
      return unexpected(CommandFailure{std::nullopt, which.target + " does not exist in this region", ""});
    return unexpected(CommandFailure{found.error(), {}, {}});
  }
  std::vector<aws::ec2::Instance> matches;
  std::vector<std::string> indices;
  for (auto& i : *found) {
    if (which.job_array) {
      auto index = i.job_array_index();
      if (index) indices.push_back(std::to_string(*index));
      if (index != which.index) continue;
    } else if (ids.empty() && i.name() != which.target) {
      continue;  // NAME-K asked, NAME found: another member of that array
    }
    matches.push_back(std::move(i));
  }
  // Several generations of one member: the newest live one, else the newest.
  if (which.job_array && matches.size() > 1) {
    std::stable_sort(matches.begin(), matches.end(), [](const auto& a, const auto& b) {
      const bool la = a.state != "terminated", lb = b.state != "terminated";
      return la != lb ? la : a.launch_time > b.launch_time;
    });
    matches.resize(1);
  }
  if (matches.empty()) {
    if (which.job_array && !indices.empty())
      return unexpected(CommandFailure{
          std::nullopt, fmt::format("job array {} has no member {} (its members: {})", *which.job_array, *which.index,
                                    fmt::join(indices, ", ")),
          ""});
    return unexpected(CommandFailure{std::nullopt, fmt::format("no {}spawn instance matches {}", live_only ? "live " : "", what),
                                     "spawn list shows what spawn launched in this region"});
  }
  if (matches.size() > 1) {
    std::vector<std::string> listed;
    for (const auto& m : matches) listed.push_back(m.instance_id + " (" + m.state + ")");
    return unexpected(CommandFailure{std::nullopt,
                                     fmt::format("{} matches {} instances: {}", what, matches.size(), fmt::join(listed, ", ")),
                                     "give one of the instance ids"});
  }
  return std::move(matches.front());
}

}  // namespace spawn::cli
