#pragma once
// What spored's event log says about where spot runs well: per group (instance type, pool, region
// or job array) the interruptions, the instance-hours observed, the interruption rate, the median
// time from launch to interruption, checkpoints and relaunches. Pure: `spawn history` reads the
// objects (cli/history_reader) and prints these (cli/history_command); docs/spot.md, "History",
// says how each number is counted.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "spawn/model/event_record.hpp"
#include "spawn/util/time.hpp"

namespace spawn::model {

// --by: what a group is.
enum class HistoryGrouping {
  type,    // region and instance type
  az,      // region, availability zone and instance type: a spot pool
  region,  // region
  array,   // job array name (instances outside an array: their own group, "-")
};
// "type", "az", "region", "array"; parse: nullopt for another word.
std::string_view to_string(HistoryGrouping grouping);
std::optional<HistoryGrouping> parse_history_grouping(std::string_view word);

struct HistoryQuery {
  HistoryGrouping by = HistoryGrouping::type;
  util::SystemTime now{};
  std::optional<util::SystemTime> since;  // events before are left out, hours counted from here
  std::string instance_type;              // "": any
  std::string job_array_name;             // "": any
};

struct HistoryGroup {
  // The group's facts: those of its key, and the others when every instance of the group shares
  // them ("" when they differ).
  std::string region;
  std::string availability_zone;
  std::string instance_type;
  std::string job_array_name;
  int instances = 0;
  int interruptions = 0;                  // notices, drills not counted
  int drills = 0;                         // notices marked as drills
  int rebalances = 0;
  double instance_hours = 0;
  std::optional<double> interruptions_per_100_hours;    // nullopt: no hour observed
  std::optional<double> median_hours_to_interruption;   // nullopt: no interruption
  int checkpoints = 0;                    // runs that ended (status other than none)
  int checkpoints_ok = 0;
  int relaunches = 0;                     // replacements asked for (refusals, "none", not counted)
  int relaunches_ok = 0;                  // EC2 launched the replacement
  int still_running = 0;                  // instances counted until now (no ending in the log)
};

// The groups, sorted by region, zone, type and array name. Per instance (its events together):
// hours from its launch (launch_time, else its first event) to its last event when that is an
// ending (stopped, end, shutdown, or an interruption that is no drill), else to `now` (still
// running), within [since, now]; an interruption's hours to interruption are from that launch to
// the notice's detection. A notice or recommendation seen twice (same instance and notice time)
// counts once.
std::vector<HistoryGroup> aggregate_history(const std::vector<LoggedEvent>& events, const HistoryQuery& query);

}  // namespace spawn::model
