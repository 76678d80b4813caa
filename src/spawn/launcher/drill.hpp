#pragma once
// A spot interruption drill (`spawn interrupt`) through AWS FIS's
// aws:ec2:send-spot-instance-interruptions: EC2 itself gives the instances their two-minute notice
// and then interrupts them, so the drill goes through everything a real interruption does
// (spored's notify, checkpoint, relaunch, handover, shutdown). Starting one needs
// fis:CreateExperimentTemplate, fis:StartExperiment and iam:PassRole of the drill role, which
// only someone who may also end instances is usually given; a tag alone triggers nothing.
//
// The steps, each safe to repeat: the role spawn-fis-drill (made once, path /spawn/; FIS may
// send interruptions only to instances tagged spawn:managed=true and spawn:drill); the tag
// spawn:drill = model::drill_tag_value(now, nonce) on the targets; one experiment template per
// drill selecting exactly the running instances with that tag value; StartExperiment; then the
// template is deleted (the experiment keeps its own copy). ClientTokens come from the tag value,
// so a resend after a lost reply makes nothing twice. A drill that cannot start leaves no
// template and takes its tag back.
#include <chrono>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "spawn/aws/ec2/client.hpp"
#include "spawn/aws/fis/client.hpp"
#include "spawn/aws/iam/client.hpp"
#include "spawn/launcher/spored_role.hpp"
#include "spawn/util/time.hpp"

namespace spawn::launcher {

inline constexpr const char* k_drill_role = "spawn-fis-drill";
inline constexpr const char* k_drill_role_policy = "send-spot-interruptions";
inline constexpr const char* k_drill_action = "aws:ec2:send-spot-instance-interruptions";
// durationBeforeInterruption: the notice at once, the interruption this long after the start.
inline constexpr std::chrono::minutes k_drill_duration{2};
inline constexpr const char* k_drill_notice = "PT2M";  // k_drill_duration as FIS writes it

// The drill role's trust policy (FIS may assume it) and permissions (pure).
nlohmann::json drill_trust_policy();
nlohmann::json drill_role_policy(std::string_view partition);
// The CreateExperimentTemplate input of one drill (pure). role_arn may be a placeholder (--dry-run).
nlohmann::json drill_template(std::string_view tag_value, std::string_view role_arn);
// The ClientToken of one step of the drill named by tag_value ("template", "experiment").
std::string drill_token(std::string_view tag_value, std::string_view step);

struct DrillRole {
  std::string arn;                   // "" in a dry run when the role does not exist yet
  bool created = false;              // made just now: IAM may take seconds to show it to FIS
  std::vector<std::string> changes;  // what was (or would be) done
};
// The drill role as it must be: created (and its policy written) when missing, its policy
// rewritten when it differs. Apply::no only reads (GetRole, GetRolePolicy).
aws::Result<DrillRole> ensure_drill_role(const aws::iam::Client& iam, std::string_view partition, Apply apply);

struct Drill {
  std::string tag_value;  // spawn:drill on each target
  std::string experiment_id;
  std::string status;     // the experiment's state when start_drill returned
  std::string reason;
  util::SystemTime interruption_at;  // when EC2 interrupts the targets (start + durationBeforeInterruption)
};

struct DrillContext {
  const aws::ec2::Client& ec2;
  const aws::fis::Client& fis;
  std::function<void(const std::string&)> say;                 // progress, one line each
  std::function<void(std::chrono::seconds)> wait;              // sleeps (tests: none)
  std::function<util::SystemTime()> now = [] { return std::chrono::system_clock::now(); };
};

// Tags the targets, makes the drill's template, starts the experiment, deletes the template and
// waits (about 30 s at most) for the experiment to leave pending/initiating, so that a drill FIS
// refuses (no target resolved, a role it cannot assume) is reported as an error. The targets must
// be running spot instances spawn launched (the caller checks). nonce: random hex.
aws::Result<Drill> start_drill(const DrillContext& ctx, const std::vector<std::string>& instance_ids,
                               const DrillRole& role, std::string_view nonce);

}  // namespace spawn::launcher
