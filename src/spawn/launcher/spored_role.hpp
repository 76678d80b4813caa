#pragma once
// The instance profile spored runs with when the user names none: one IAM role and instance
// profile per launch (a job array, or a single instance), both "spawn-spored-<launch id>" under
// the path /spawn/, made before the launch and deleted when the launch's instances are gone
// (launcher/launch_resources). One per launch because IAM gives a policy no way to tell the
// calling instance's launch from another's (there is no condition key for the caller's tags): a
// role shared by every launch would let any instance publish to every launch's topics, read
// every launch's scripts and secrets, and launch from every array's template.
//
// Least privilege: the role may
//   - ec2:CreateTags, only the three keys spored writes (spawn:interruption-notice,
//     spawn:interruption-action, spawn:checkpoint-status), and ec2:TerminateInstances (the TTL),
//     each only on an instance tagged spawn:managed=true that is the calling instance itself
//     (ec2:SourceInstanceARN, the instance whose role credentials signed the call, must be the
//     target: arn:...:instance/${ec2:InstanceID}, ec2:InstanceID being the ID of the instance
//     acted on; the IAM simulator rows of tests/iam/spored_calls.json prove it);
//   - with hibernation (a persistent spot request): ec2:CancelSpotInstanceRequests on the one
//     request tagged spawn:instance-arn = its own ARN, and ec2:DescribeInstances (to read it);
//   - with --relaunch (launcher/relaunch): ec2:CreateFleet and ec2:RunInstances only from this
//     launch's template (tagged spawn:launch-id = the launch) and only for instances tagged with
//     the launch at creation, ec2:CreateTags only as part of that launch (ec2:CreateAction),
//     iam:PassRole of this launch's role to EC2 only, and ec2:DescribeInstances (the handover
//     gate and --rebalance move read the replaced member and the replacement);
//   - with --price-alert: ec2:DescribeSpotPriceHistory (no resource-level permission: "*"; it
//     reads public prices only), to watch its own pool's price;
//   - sns:Publish on the topics of --notify;
//   - s3:GetObject on the --checkpoint-script object, on its launch's spec
//     (spawn/launches/<launch id>/*) and on the uploaded spored binaries (the instance downloads
//     spored with its role, so that nothing in the launch expires);
//   - s3:PutObject on its launch's objects of the event log
//     (spawn/events/region=*/day=*/<launch id>/*, model/event_record), nothing else of the bucket.
#include <chrono>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "spawn/aws/iam/client.hpp"

namespace spawn::launcher {

inline constexpr const char* k_role_path = "/spawn/";
inline constexpr const char* k_role_prefix = "spawn-spored-";
inline constexpr const char* k_spored_policy = "spored";
// IAM's limit on a role's inline policies together, white space not counted.
inline constexpr size_t k_inline_policy_limit = 10240;
// At most this many launch roles at once: a bound on what spawn leaves in the account (IAM's own
// default quota is 1,000 roles), reached only when launches are not terminated through spawn and
// nothing has swept them (launch_resources sweeps the ones whose instances are gone).
inline constexpr size_t k_max_launch_roles = 200;

// The role and instance profile name of a launch.
std::string launch_role_name(std::string_view launch_id);
// The launch id of a role spawn made ("" for another role).
std::string launch_of_role(std::string_view role_name);

// What the instances of one launch need their role to allow.
struct SporedGrants {
  std::string partition = "aws";        // aws::config::partition_of(region).id
  std::string launch_id;                // the launch; its objects are spawn/launches/<id>/* in bucket
  std::string bucket;                   // spawn's bucket ("" when there is none: no spec, no agent object)
  std::vector<std::string> agent_keys;  // spored's binaries in bucket
  std::vector<std::string> sns_topics;  // topic ARNs
  std::vector<std::string> s3_objects;  // checkpoint scripts, "bucket/key"
  bool cancel_own_spot_request = false; // hibernation: a persistent request to cancel before terminating
  bool stop_itself = false;             // --on-complete stop|hibernate: StopInstances on itself
  bool relaunch = false;                // --relaunch: a replacement from the launch's own template only
  bool price_alert = false;             // --price-alert: DescribeSpotPriceHistory (its own pool's price)
};
// Grants as JSON, by member name (a member absent keeps its default): the IAM simulator tests
// describe their cases this way (tests/tools/spored_policy_tool.cpp). A new member goes here too.
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(SporedGrants, partition, launch_id, bucket, agent_keys, sns_topics,
                                                s3_objects, cancel_own_spot_request, stop_itself, relaunch,
                                                price_alert)

// The trust policy: EC2 may hand the role to instances.
nlohmann::json spored_trust_policy();
// The permissions policy for these grants (pure, deterministic; statements without resources
// left out, as IAM refuses empty ones).
nlohmann::json spored_policy(const SporedGrants& grants);

// Named, so that call sites read.
enum class Apply { yes, no };

struct SporedProfile {
  std::string name;                  // launch_role_name(launch id)
  bool exists = true;                // false only in a dry run (Apply::no): nothing was made
  bool profile_created = false;      // new: EC2 may refuse it for some seconds (IAM is eventually consistent)
  std::vector<std::string> changes;  // what was (Apply::yes) or would be (Apply::no) done, one line each
  nlohmann::json policy;             // the role's permissions policy (--dry-run prints it)
};

// Makes the launch's role (trust, permissions policy) and instance profile, idempotently: a
// resend after a lost reply (EntityAlreadyExists) is fine. Apply::no only says what it would do
// (--dry-run) and sends nothing. IAM's errors as they come (AccessDenied ...); "PolicyTooLarge"
// when the policy would pass IAM's limit; "TooManyLaunchRoles" (checked by the caller with
// count_launch_roles) is not this function's.
aws::Result<SporedProfile> ensure_spored_profile(const aws::iam::Client& iam, const SporedGrants& grants, Apply apply);

// Deletes a launch's profile and role (each step tolerates "already gone"). What could not be
// deleted is the error.
aws::Result<void> delete_spored_profile(const aws::iam::Client& iam, std::string_view launch_id);

// The launches that have a role of spawn's (ListRoles under /spawn/), with each role's creation time.
struct LaunchRole {
  std::string launch_id;
  std::string create_date;
};
aws::Result<std::vector<LaunchRole>> list_launch_roles(const aws::iam::Client& iam);

// EC2 refusing an instance profile it does not know (yet): InvalidParameterValue naming the
// iamInstanceProfile (RunInstances), or a fleet failure made of such errors.
bool is_unknown_profile_error(const aws::Error& e);

// The waits between launch attempts while a new profile propagates from IAM to EC2 (usually
// seconds; AWS documents no bound): 2, 4, 8 s, then every 10 s, about a minute in all.
inline const std::vector<std::chrono::seconds> k_profile_propagation_waits{
    std::chrono::seconds(2), std::chrono::seconds(4), std::chrono::seconds(8), std::chrono::seconds(10),
    std::chrono::seconds(10), std::chrono::seconds(10), std::chrono::seconds(10)};

// Runs launch, and again after each wait while it fails with is_unknown_profile_error; the last
// result (success or the error). Only for a profile created just now: an unknown profile the
// user named is a mistake to report at once. Nothing is left running between attempts (a
// RunInstances refused is all or nothing; a failed fleet launch is rolled back by the launcher).
// say: one line before each wait; wait: sleeps (injected by tests).
template <class T>
aws::Result<T> retry_while_profile_propagates(const std::function<aws::Result<T>()>& launch,
                                              const std::function<void(const std::string&)>& say,
                                              const std::function<void(std::chrono::seconds)>& wait) {
  aws::Result<T> result = launch();
  for (auto delay : k_profile_propagation_waits) {
    if (result || !is_unknown_profile_error(result.error())) return result;
    say("The new instance profile is not visible to EC2 yet; trying again in " + std::to_string(delay.count()) + " s...");
    wait(delay);
    result = launch();
  }
  return result;
}

}  // namespace spawn::launcher
