#pragma once
// Moving the TTL deadline of running instances, for `spawn extend` and `spawn start` (the clock
// pauses while an instance is stopped): in the launch's spec, which spored reads again every
// minute, and in the tag spawn:ttl-deadline, which records it for people.
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "spawn/aws/ec2/types.hpp"
#include "spawn/aws/error.hpp"
#include "spawn/cli/session.hpp"
#include "spawn/util/expected.hpp"

namespace spawn::cli {

struct CommandFailure {
  std::optional<aws::Error> aws;  // an AWS call failed
  std::string message;            // or this, a sentence
  std::string hint;               // what to do (may be empty)
};

// print_error (with the hint) or print_failure of the failure.
void print_command_failure(const CommandFailure& failure);

struct DeadlineMove {
  const aws::ec2::Instance* instance = nullptr;  // has spawn:ttl-deadline and spawn:launch-id
  std::string deadline;                          // RFC 3339
};

// Every launch's spec is read and changed in memory first (an instance without a TTL, a launch
// id or a spec is refused then, nothing written); then the specs are written and the tags set.
expected<void, CommandFailure> move_deadlines(const Session& session, const aws::ec2::Client& ec2,
                                              const std::vector<DeadlineMove>& moves);

}  // namespace spawn::cli
