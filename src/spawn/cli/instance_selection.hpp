#pragma once
// Which of spawn's live instances a command acts on: instance ids, --name or --job-array-name,
// exactly one of them (terminate, extend). Found with one DescribeInstances filtered on
// spawn:managed=true: spawn only ever acts on what it launched.
#include <optional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "spawn/aws/ec2/client.hpp"
#include "spawn/cli/ttl_deadlines.hpp"

namespace spawn::cli {

bool valid_instance_id(const std::string& id);

// The DescribeInstances filter for instances spawn shows as `name`, and the keeping of those only:
// a member of a shared-tag job array is shown as NAME-K with the Name tag NAME (model/job_array).
aws::ec2::Filter name_filter(const std::string& name);
void keep_named(std::vector<aws::ec2::Instance>& instances, const std::string& name);

struct InstanceSelection {
  std::vector<std::string> ids;
  std::optional<std::string> name;
  std::optional<std::string> job_array;

  // The positional ids, --name and --job-array-name on app; verb: "terminate", "extend".
  void add_options(CLI::App& app, const std::string& verb);
  // The usage error (a sentence), or empty when the selection is well formed. Sends nothing.
  std::string usage_error(const std::string& verb) const;
  // "--name X" or "--job-array-name X" (for "no live spawn instance matches ...").
  std::string describe() const;
};

// The live (pending, running, stopping, stopped) spawn instances selected; a failure when the
// call fails, when an id is not one of them, or when nothing matches.
expected<std::vector<aws::ec2::Instance>, CommandFailure> find_selected(const aws::ec2::Client& ec2,
                                                                       const InstanceSelection& selection);

}  // namespace spawn::cli
