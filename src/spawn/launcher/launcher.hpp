#pragma once
// Launching instances: checks the types (and, for spot, that they can be spot, and the
// hibernation rules), resolves the AMI, builds the tags, then takes one of two routes
// (launcher/spot_plan): one RunInstances for the whole job array (run_launch), or one instant
// EC2 Fleet over a launch template for several types or subnets and mixed arrays
// (fleet_launch). Every launch call carries a ClientToken reused on retries. Members are
// tagged with their index; anything failing rolls back what was launched: no orphans.
#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "spawn/aws/ec2/client.hpp"
#include "spawn/aws/ssm/client.hpp"
#include "spawn/launcher/launch_steps.hpp"
#include "spawn/launcher/spot_plan.hpp"
#include "spawn/model/launch_options.hpp"

namespace spawn::launcher {

struct LaunchedInstance {
  aws::ec2::Instance instance;
  std::optional<int> job_array_index;  // set for job-array members
  std::string name;
  bool fell_back = false;  // on demand in place of missing spot capacity
};

struct LaunchResult {
  std::vector<LaunchedInstance> instances;  // in job-array index order
  std::string job_array_id;  // empty when not a job array
  std::string reservation_id;
  bool dry_run = false;
  bool spot = false;             // spot was asked for
  std::string spot_max_price;    // "0.05" or "on-demand" (EC2 caps at the on-demand price)
  bool fallback = false;         // some instances are on demand because spot capacity was missing
};

class Launcher {
 public:
  // notify: progress lines (the CLI hides them with --output json); warn: lines the user must
  // see in any case (spot fallback, rollback); notify when not given.
  Launcher(aws::ec2::Client ec2, aws::ssm::Client ssm, Notify notify = {}, Notify warn = {});

  // Prepares (new ids, no agent install step) and launches.
  aws::Result<LaunchResult> launch(const model::LaunchOptions& options);
  // Launches what prepare_launch decided for these options.
  aws::Result<LaunchResult> launch(const model::LaunchOptions& options, const PreparedLaunch& prepared);

  // The latest Amazon Linux 2023 AMI for the type's architecture (DescribeInstanceTypes, then
  // the public SSM parameter).
  aws::Result<std::string> default_ami(const std::string& instance_type);

  // Polls DescribeInstances until every instance is running (or one ends in a final state);
  // progress(ready, total) is called after every poll.
  aws::Result<std::vector<aws::ec2::Instance>> wait_running(const std::vector<std::string>& ids,
                                                            const std::function<void(size_t, size_t)>& progress,
                                                            std::chrono::seconds timeout = std::chrono::seconds(600));

 private:
  LaunchContext context() const { return {m_ec2, m_notify, m_warn}; }

  aws::ec2::Client m_ec2;
  aws::ssm::Client m_ssm;
  Notify m_notify;
  Notify m_warn;
};

// The tags every spawn instance carries: spawn:managed, spawn:created-by, spawn:version.
aws::ec2::Tags base_tags();

// The `uname -m` name of an EC2 architecture: arm64 -> aarch64, x86_64 -> x86_64.
std::string uname_machine(std::string_view ec2_architecture);

// arn:<partition>:ec2:<region>:<account>:instance/<id>, as EC2 names the instance that signs a
// request with its role (ec2:SourceInstanceARN).
std::string instance_arn(const std::string& region, const std::string& account, const std::string& instance_id);

// From DescribeInstanceTypes, for these types: the one architecture they share (one launch,
// one AMI), "x86_64" preferred; an error naming the type EC2 does not know, the types that
// share no architecture, or (spot) a type that cannot run as spot.
aws::Result<std::string> common_architecture(const std::vector<aws::ec2::InstanceTypeInfo>& infos,
                                             const std::vector<std::string>& types, bool spot);

// The instances install spored for their own architecture: an AgentArchitectureMissing error
// when arch (the types' common one) has no upload among agent_architectures (uname -m names;
// empty: unchecked), before anything is launched.
aws::Result<void> check_agent_architecture(const std::vector<std::string>& types, const std::string& arch,
                                           const std::vector<std::string>& agent_architectures);

}  // namespace spawn::launcher
