#pragma once
// Every spawn:* tag key in one place. Tag values are what `spawn list`, spored and users'
// own scripts read, so these names are part of spawn's interface.
namespace spawn::model::tag {

inline constexpr unsigned k_value_limit = 256;  // EC2's limit on a tag value, in characters

inline constexpr const char* k_name = "Name";
inline constexpr const char* k_managed = "spawn:managed";          // "true" on everything spawn launches
inline constexpr const char* k_created_by = "spawn:created-by";    // "spawn"
inline constexpr const char* k_version = "spawn:version";
inline constexpr const char* k_job_array_id = "spawn:job-array-id";
inline constexpr const char* k_job_array_name = "spawn:job-array-name";
inline constexpr const char* k_job_array_size = "spawn:job-array-size";
inline constexpr const char* k_job_array_index = "spawn:job-array-index";            // a member's own index
inline constexpr const char* k_job_array_index_base = "spawn:job-array-index-base";  // shared by one launch's
                                            // members: index = base + ami-launch-index (model/job_array.hpp)
inline constexpr const char* k_launch_id = "spawn:launch-id";      // one value per `spawn launch`: finds
                                                                   // what a launch made if its reply was lost
inline constexpr const char* k_pool = "spawn:pool";                // a spot pool's name: on its fleet, its launch
                                                                   // template and every member (`spawn pool`)
// Spot launches
inline constexpr const char* k_spot = "spawn:spot";
inline constexpr const char* k_spot_max_price = "spawn:spot-max-price";
inline constexpr const char* k_on_interruption = "spawn:on-interruption";
inline constexpr const char* k_checkpoint_script = "spawn:checkpoint-script";
inline constexpr const char* k_spot_fallback = "spawn:spot-fallback";
inline constexpr const char* k_ttl_deadline = "spawn:ttl-deadline";
inline constexpr const char* k_idle_timeout = "spawn:idle-timeout";  // --idle-timeout and --on-idle: "1h stop"
// Members that relaunch themselves (--relaunch; launcher/relaunch.hpp, read by spawn status)
inline constexpr const char* k_relaunch = "spawn:relaunch";                // "3" or "3 move": the bound, the rebalance
inline constexpr const char* k_generation = "spawn:generation";          // 0 for the first launch
inline constexpr const char* k_replaces = "spawn:replaces";              // the instance a replacement replaces
// On the outgoing member, by its spored: "requested i-... (generation 2, spot)", "failed: CODE: ...",
// "none: <why not>".
inline constexpr const char* k_relaunch_status = "spawn:relaunch-status";
// On the spot request of a persistent launch: the ARN of its instance. spored's role may cancel a
// request only when this equals its own instance's ARN (docs/spored.md).
inline constexpr const char* k_instance_arn = "spawn:instance-arn";
// `spawn interrupt`: "<RFC 3339 time the drill was asked> <nonce>" on each instance it drills, set
// before the FIS experiment starts. The experiment's template selects its targets by this value;
// spored calls a notice that comes within model::k_drill_window of that time a drill (model/drill.hpp).
inline constexpr const char* k_drill = "spawn:drill";
// Written by spored on the instance
inline constexpr const char* k_interruption_notice = "spawn:interruption-notice";
inline constexpr const char* k_interruption_action = "spawn:interruption-action";
inline constexpr const char* k_checkpoint_status = "spawn:checkpoint-status";
inline constexpr const char* k_completion_status = "spawn:completion-status";  // `spored complete --status N`
inline constexpr const char* k_idle_action = "spawn:idle-action";  // "stop at T: idle since S, CPU at most ..."

}  // namespace spawn::model::tag
