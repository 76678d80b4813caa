#include "spawn/launcher/drill.hpp"

#include <fmt/format.h>

#include "spawn/model/drill.hpp"
#include "spawn/model/tags.hpp"
#include "spawn/util/sha256.hpp"

namespace spawn::launcher {
namespace {

using nlohmann::json;
namespace tag = model::tag;

constexpr const char* k_target = "SpotInstances";

bool is_role_not_ready(const aws::Error& e) {
  // FIS checks that it can assume the role when the template is made; a role made seconds ago
  // may not be visible to it yet.
  return e.code == "ValidationException" && e.message.find("role") != std::string::npos;
}

// Drill steps left half done are undone as far as they can be; the first error is the one reported.
void undo_tags(const DrillContext& ctx, const std::vector<std::string>& ids) {
  if (auto r = ctx.ec2.delete_tags(ids, {tag::k_drill}); !r)
    ctx.say(fmt::format("could not take the {} tag back ({}): a real interruption in the next {} minutes would be "
                        "recorded as a drill", tag::k_drill, r.error().code, model::k_drill_window.count()));
}

}  // namespace

json drill_trust_policy() {
  return {{"Version", "2012-10-17"},
          {"Statement",
           json::array({{{"Effect", "Allow"},
                         {"Principal", {{"Service", "fis.amazonaws.com"}}},
                         {"Action", "sts:AssumeRole"}}})}};
}

json drill_role_policy(std::string_view partition) {
  return {{"Version", "2012-10-17"},
          {"Statement",
           json::array({{{"Sid", "InterruptDrilledSpawnInstances"},
                         {"Effect", "Allow"},
                         {"Action", "ec2:SendSpotInstanceInterruptions"},
                         {"Resource", fmt::format("arn:{}:ec2:*:*:instance/*", partition)},
                         {"Condition",
                          {{"StringEquals", {{std::string("aws:ResourceTag/") + tag::k_managed, "true"}}},
                           {"Null", {{std::string("aws:ResourceTag/") + tag::k_drill, "false"}}}}}},
                        {{"Sid", "FindTargets"}, {"Effect", "Allow"}, {"Action", "ec2:DescribeInstances"}, {"Resource", "*"}}})}};
}

std::string drill_token(std::string_view tag_value, std::string_view step) {
  return "spawn-drill-" + std::string(step) + "-" + util::sha256_hex(tag_value).substr(0, 40);
}

json drill_template(std::string_view tag_value, std::string_view role_arn) {
  return {{"clientToken", drill_token(tag_value, "template")},
          {"description", fmt::format("spawn interrupt: spot interruption drill {}", tag_value)},
          {"roleArn", role_arn},
          {"stopConditions", json::array({{{"source", "none"}}})},
          {"targets",
           {{k_target,
             {{"resourceType", "aws:ec2:spot-instance"},
              {"resourceTags", {{tag::k_drill, tag_value}}},
              {"filters", json::array({{{"path", "State.Name"}, {"values", json::array({"running"})}}})},
              {"selectionMode", "ALL"}}}}},
          {"actions",
           {{"interrupt",
             {{"actionId", k_drill_action},
              {"description", "the two-minute spot interruption notice, then the interruption"},
              {"parameters", {{"durationBeforeInterruption", k_drill_notice}}},
              {"targets", {{k_target, k_target}}}}}}},
          {"tags", {{"Name", "spawn-drill"}, {tag::k_managed, "true"}, {tag::k_drill, tag_value}}}};
}

aws::Result<DrillRole> ensure_drill_role(const aws::iam::Client& iam, std::string_view partition, Apply apply) {
  DrillRole out;
  const std::string policy = drill_role_policy(partition).dump();
  const bool write = apply == Apply::yes;
  auto role = iam.get_role(k_drill_role);
  if (!role && !aws::iam::is_no_such_entity(role.error())) return unexpected(role.error());
  if (!role) {
    out.changes.push_back(fmt::format("create the IAM role {}{} (FIS may assume it; made once)", k_role_path, k_drill_role));
    out.changes.push_back(fmt::format("write its policy '{}'", k_drill_role_policy));
    if (!write) return out;
    const aws::iam::Tags tags{{tag::k_managed, "true"}, {tag::k_created_by, "spawn"}};
    auto made = iam.create_role(k_drill_role, k_role_path, drill_trust_policy().dump(),
                                "AWS FIS, for spawn interrupt: spot interruption drills of spawn's instances", tags);
    if (!made && !aws::iam::is_already_exists(made.error())) return unexpected(made.error());
    if (!made) made = iam.get_role(k_drill_role);
    if (!made) return unexpected(made.error());
    if (auto ok = iam.put_role_policy(k_drill_role, k_drill_role_policy, policy); !ok) return unexpected(ok.error());
    out.arn = made->arn;
    out.created = true;
    return out;
  }
  out.arn = role->arn;
  auto current = iam.get_role_policy(k_drill_role, k_drill_role_policy);
  if (!current && !aws::iam::is_no_such_entity(current.error())) return unexpected(current.error());
  if (current && json::parse(*current, nullptr, false) == json::parse(policy)) return out;
  out.changes.push_back(fmt::format("write the policy '{}' of the role {}", k_drill_role_policy, k_drill_role));
  if (!write) return out;
  if (auto ok = iam.put_role_policy(k_drill_role, k_drill_role_policy, policy); !ok) return unexpected(ok.error());
  return out;
}

aws::Result<Drill> start_drill(const DrillContext& ctx, const std::vector<std::string>& instance_ids,
                               const DrillRole& role, std::string_view nonce) {
  Drill out;
  out.tag_value = model::drill_tag_value(ctx.now(), nonce);
  if (auto tagged = ctx.ec2.create_tags(instance_ids, {{tag::k_drill, out.tag_value}}); !tagged)
    return unexpected(tagged.error());

  const json input = drill_template(out.tag_value, role.arn);
  auto template_id = ctx.fis.create_experiment_template(input);
  // A role made just now: FIS may not see it for some seconds (IAM is eventually consistent).
  for (int waited = 0; role.created && !template_id && is_role_not_ready(template_id.error()) && waited < 6; ++waited) {
    ctx.say("FIS does not see the new role yet; trying again in 5 s...");
    ctx.wait(std::chrono::seconds(5));
    template_id = ctx.fis.create_experiment_template(input);
  }
  if (!template_id) {
    undo_tags(ctx, instance_ids);
    return unexpected(template_id.error());
  }

  auto experiment = ctx.fis.start_experiment(drill_token(out.tag_value, "experiment"), *template_id,
                                             {{"Name", "spawn-drill"}, {tag::k_managed, "true"}, {tag::k_drill, out.tag_value}});
  const util::SystemTime started = ctx.now();
  if (auto gone = ctx.fis.delete_experiment_template(*template_id); !gone)
    ctx.say(fmt::format("could not delete the drill's experiment template {} ({}); it costs nothing, delete it with "
                        "'aws fis delete-experiment-template --id {}'", *template_id, gone.error().code, *template_id));
  if (!experiment) {
    undo_tags(ctx, instance_ids);
    return unexpected(experiment.error());
  }
  out.experiment_id = experiment->id;
  out.status = experiment->status;
  out.reason = experiment->reason;
  out.interruption_at = started + k_drill_duration;
  // FIS resolves the targets after the start: a drill it cannot run fails within seconds.
  for (int i = 0; i < 15 && (out.status == "pending" || out.status == "initiating"); ++i) {
    ctx.wait(std::chrono::seconds(2));
    auto now = ctx.fis.get_experiment(out.experiment_id);
    if (!now) break;  // the experiment started; its state is for `aws fis get-experiment` to tell
    out.status = now->status;
    out.reason = now->reason;
  }
  if (out.status == "failed" || out.status == "cancelled" || out.status == "stopped") undo_tags(ctx, instance_ids);
  return out;
}

}  // namespace spawn::launcher
