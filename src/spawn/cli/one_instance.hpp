#pragma once
// The one instance a command looks at (logs, connect): an id, a Name, or a job array's member
// (--job-array-name X --index K). Found with DescribeInstances among spawn's instances.
#include <optional>
#include <string>

#include <CLI/CLI.hpp>

#include "spawn/aws/ec2/client.hpp"
#include "spawn/cli/ttl_deadlines.hpp"

namespace spawn::cli {

struct OneInstance {
  std::string target;                   // the positional ID or NAME
  std::optional<std::string> job_array;
  std::optional<int> index;

  void add_options(CLI::App& app);
  // The usage error (a sentence), or empty. Sends nothing.
  std::string usage_error() const;
};

// The instance (any state but terminated unless live_only is false); a failure naming what
// matched when nothing or several do, or when --index is outside the array.
expected<aws::ec2::Instance, CommandFailure> find_one(const aws::ec2::Client& ec2, const OneInstance& which,
                                                      bool live_only);

}  // namespace spawn::cli
