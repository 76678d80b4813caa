#include "spawn/cli/ttl_deadlines.hpp"

#include <fmt/format.h>

#include "spawn/cli/output.hpp"
#include "spawn/cli/spawn_config.hpp"
#include "spawn/launcher/launch_spec.hpp"
#include "spawn/model/job_array.hpp"
#include "spawn/model/tags.hpp"

namespace spawn::cli {
namespace tag = model::tag;

void print_command_failure(const CommandFailure& failure) {
  if (failure.aws) print_error(*failure.aws);
  else print_failure(failure.message);
  if (!failure.hint.empty()) fmt::print(stderr, "spawn: hint: {}\n", failure.hint);
}

expected<void, CommandFailure> move_deadlines(const Session& session, const aws::ec2::Client& ec2,
                                              const std::vector<DeadlineMove>& moves) {
  std::map<std::string, std::map<std::string, std::string>> by_launch;  // launch id -> instance id -> deadline
  for (const auto& m : moves) {
    const auto& i = *m.instance;
    if (!i.tags.contains(tag::k_ttl_deadline))
      return unexpected(CommandFailure{std::nullopt, i.instance_id + " has no TTL (launched without --ttl)", {}});
    auto launch = i.tags.find(tag::k_launch_id);
    if (launch == i.tags.end())
      return unexpected(CommandFailure{std::nullopt,
                                       i.instance_id + " has no spawn:launch-id tag: it was launched by an older spawn, "
                                                       "whose spored reads no spec",
                                       "terminate it at the deadline you want instead"});
    by_launch[launch->second][i.instance_id] = m.deadline;
    // --relaunch: a member's later generations (replacements launched after this) find theirs by
    // index; a single instance's, as the launch's own deadline.
    if (!i.tags.contains(tag::k_relaunch)) continue;
    if (auto index = model::job_array_index(i.tags, i.ami_launch_index))
      by_launch[launch->second][launcher::k_deadline_index_prefix + std::to_string(*index)] = m.deadline;
    else
      by_launch[launch->second][launcher::k_deadline_of_launch] = m.deadline;
  }
  if (by_launch.empty()) return {};
  auto config_path = spawn_config_path(aws::config::process_environment());
  auto config = config_path ? load_spawn_config(*config_path) : expected<SpawnConfig, std::string>(SpawnConfig{});
  if (!config) return unexpected(CommandFailure{std::nullopt, config.error(), {}});
  const AgentLocation* spawn_bucket = config->bucket();
  if (!spawn_bucket)
    return unexpected(CommandFailure{std::nullopt,
                                     "spawn knows no bucket, where the launches' specs are (spored reads its TTL there)",
                                     "run 'spawn agent upload --bucket BUCKET' once; instances launched before it have "
                                     "no spored to tell"});
  auto bucket = session.s3(spawn_bucket->bucket, spawn_bucket->region);
  std::map<std::string, std::string> documents;  // key -> new spec
  for (const auto& [launch_id, deadlines] : by_launch) {
    const auto where = launcher::spec_location(spawn_bucket->bucket, spawn_bucket->region, launch_id);
    auto spec = bucket.get_object(where.key);
    if (!spec) {
      if (spec.error().code == "NoSuchKey")
        return unexpected(CommandFailure{std::nullopt,
                                         fmt::format("{} has no spored to tell: its launch {} has no spec in {} "
                                                     "(launched with --no-agent, or with another bucket)",
                                                     deadlines.begin()->first, launch_id, where.url()),
                                         {}});
      return unexpected(CommandFailure{spec.error(), {}, {}});
    }
    auto changed = launcher::spec_with_deadlines(spec->body, deadlines);
    if (!changed) return unexpected(CommandFailure{std::nullopt, where.url() + ": " + changed.error(), {}});
    documents[where.key] = *changed;
  }
  for (const auto& [key, document] : documents)
    if (auto put = bucket.put_object(key, document, "application/json"); !put)
      return unexpected(CommandFailure{put.error(), {}, {}});
  // One CreateTags per distinct deadline (extend gives all the same one).
  std::map<std::string, std::vector<std::string>> by_deadline;
  for (const auto& m : moves) by_deadline[m.deadline].push_back(m.instance->instance_id);
  for (const auto& [deadline, ids] : by_deadline)
    if (auto tagged = ec2.create_tags(ids, {{tag::k_ttl_deadline, deadline}}); !tagged)
      return unexpected(CommandFailure{tagged.error(), {},
                                       "spored has the new deadline (the spec is written); only the tag "
                                       "spawn:ttl-deadline still shows the old one"});
  return {};
}

}  // namespace spawn::cli
