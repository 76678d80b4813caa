#pragma once
// Launching instances: resolves the AMI, builds the tags, sends one RunInstances for the whole
// job array (ClientToken reused on retries), tags each array member with its index, and rolls
// back (terminates what was launched) when any part fails: no orphans.
#include <functional>
#include <string>
#include <vector>

#include "spawn/aws/ec2/client.hpp"
#include "spawn/aws/ssm/client.hpp"
#include "spawn/model/launch_options.hpp"

namespace spawn::launcher {

struct LaunchedInstance {
  aws::ec2::Instance instance;
  std::optional<int> job_array_index;  // set for job-array members
  std::string name;
};

struct LaunchResult {
  std::vector<LaunchedInstance> instances;
  std::string job_array_id;  // empty when not a job array
  std::string reservation_id;
  bool dry_run = false;
};

// Progress lines for the user (stderr): "Resolved AMI ...", fallbacks, rollbacks.
using Notify = std::function<void(const std::string&)>;

class Launcher {
 public:
  Launcher(aws::ec2::Client ec2, aws::ssm::Client ssm, Notify notify = {});

  aws::Result<LaunchResult> launch(const model::LaunchOptions& options);

  // The latest Amazon Linux 2023 AMI for the type's architecture (DescribeInstanceTypes, then
  // the public SSM parameter).
  aws::Result<std::string> default_ami(const std::string& instance_type);

  // Polls DescribeInstances until every instance is running (or one ends in a final state);
  // progress(ready, total) is called after every poll.
  aws::Result<std::vector<aws::ec2::Instance>> wait_running(const std::vector<std::string>& ids,
                                                            const std::function<void(size_t, size_t)>& progress,
                                                            std::chrono::seconds timeout = std::chrono::seconds(600));

 private:
  // Terminates what was launched after a failure and says so; returns the original error.
  aws::Error roll_back(const std::vector<std::string>& ids, aws::Error cause);

  aws::ec2::Client m_ec2;
  aws::ssm::Client m_ssm;
  Notify m_notify;
};

// The tags every spawn instance carries: spawn:managed, spawn:created-by, spawn:version.
aws::ec2::Tags base_tags();

}  // namespace spawn::launcher
