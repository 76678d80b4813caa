#pragma once
// What `spawn status` shows, from the instances EC2 still lists (terminated ones included, for
// about an hour): per job array, per index the current instance and its history. Pure.
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "spawn/aws/ec2/types.hpp"

namespace spawn::cli {

struct MemberStatus {
  int index = 0;
  std::optional<aws::ec2::Instance> current;     // nullopt: EC2 lists no instance of this index
  int generation = 0;
  int interruptions = 0;                         // instances of this index that had a notice
  int drills = 0;                                // of which `spawn interrupt` drills: not counted above
  std::string checkpoint_status;                 // the latest one tagged, or ""
  std::string relaunch_status;                   // "" when none
  std::string replaces;                          // "" when none
  std::optional<int> completion_status;          // `spored complete --status N`
  std::string idle_action;                       // spawn:idle-action, "" when none
  std::vector<std::string> earlier;              // older instances of this index, oldest first

  // "done (status 0)", "interrupted", "idle: stop", "missing", or EC2's state.
  std::string outcome() const;
};

struct ArrayStatus {
  std::string job_array_id;                      // "" for a single instance
  std::string job_array_name;                    // the array's name, or the instance's Name
  int size = 1;
  std::vector<MemberStatus> members;             // by index; missing indices included

  int running() const;
  int spot() const;                              // live members on spot
  int on_demand() const;                         // live members on demand
  int done() const;
};

// Groups instances by job array (spawn:job-array-id; an instance outside an array is a group
// of its own), each index's current instance being its newest live one (highest generation,
// then latest launch), else its newest one. Arrays ordered by name, members by index.
std::vector<ArrayStatus> array_statuses(const std::vector<aws::ec2::Instance>& instances);

// The --output json object of one array: job_array_id, job_array_name, size, running, and
// members (index, instance_id, generation, state, lifecycle, instance_type, availability_zone,
// interruptions, checkpoint_status, relaunch_status, replaces, completion_status, idle_action).
nlohmann::json to_json(const ArrayStatus& status);

}  // namespace spawn::cli
