#pragma once
// The instance profile spored runs with when the user names none: one IAM role and instance
// profile, both "spawn-spored", that spawn creates once per account and keeps right.
//
// Least privilege: the role may
//   - ec2:CreateTags, only the three keys spored writes (spawn:interruption-notice,
//     spawn:interruption-action, spawn:checkpoint-status), and ec2:TerminateInstances (the TTL),
//     each only on an instance tagged spawn:managed=true that is the calling instance itself
//     (ec2:SourceInstanceARN, the instance whose role credentials signed the call, must be the
//     target: arn:...:instance/${ec2:InstanceID}, ec2:InstanceID being the ID of the instance
//     acted on; the IAM simulator rows of tests/iam/spored_calls.json prove it);
//   - sns:Publish on the topics of --notify;
//   - s3:GetObject on the --checkpoint-script object.
// spored's own binary needs nothing: the instance downloads it with a URL presigned by the
// launching user (launcher/agent_install), so the role gets no read access to it.
//
// The role is shared by every launch, so a launch only ever adds topics and objects: instances
// of earlier launches keep what they were given. A policy that lacks a statement or differs in
// one (edited by hand, from an older spawn) is rewritten with what is there plus what is wanted.
#include <chrono>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "spawn/aws/iam/client.hpp"

namespace spawn::launcher {

inline constexpr const char* k_spored_role = "spawn-spored";
inline constexpr const char* k_spored_profile = "spawn-spored";
inline constexpr const char* k_spored_policy = "spored";
// IAM's limit on a role's inline policies together, white space not counted.
inline constexpr size_t k_inline_policy_limit = 10240;

// What the instances of a launch need their role to allow.
struct SporedGrants {
  std::string partition = "aws";        // aws::iam::partition(region)
  std::vector<std::string> sns_topics;  // topic ARNs
  std::vector<std::string> s3_objects;  // "bucket/key"
};
// Grants as JSON, by member name (a member absent keeps its default): the IAM simulator tests
// describe their cases this way (tests/tools/spored_policy_tool.cpp). A new member goes here too.
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(SporedGrants, partition, sns_topics, s3_objects)

// The trust policy: EC2 may hand the role to instances.
nlohmann::json spored_trust_policy();
// The permissions policy for these grants (pure, deterministic; statements without resources
// left out, as IAM refuses empty ones).
nlohmann::json spored_policy(const SporedGrants& grants);
// wanted plus the topics and objects the existing policy document (JSON text, may be
// malformed: then nothing is kept) already grants; existing ones first, each once.
SporedGrants merge_grants(const SporedGrants& wanted, std::string_view existing_document);

// Named, so that call sites read.
enum class Apply { yes, no };

struct SporedProfile {
  std::string name;                  // k_spored_profile
  bool exists = true;                // false only in a dry run (Apply::no) when the profile is still to be made
  bool profile_created = false;      // new: EC2 may refuse it for some seconds (IAM is eventually consistent)
  std::vector<std::string> changes;  // what was (Apply::yes) or would be (Apply::no) done, one line each
  nlohmann::json policy;             // the role's permissions policy after this, done or to be done (--dry-run prints it)
};

// Makes the role, its trust and permissions policies and the instance profile what grants need
// (creating what is missing, rewriting a policy that differs, adding the role to the profile),
// idempotently: nothing is sent but reads when all is right already; another spawn creating the
// same thing at the same moment (EntityAlreadyExists) is fine. Apply::no only reads and says
// what it would do (--dry-run). IAM's errors as they come (AccessDenied ...); "PolicyTooLarge"
// when the merged policy would pass IAM's limit; "ProfileInUse" when the profile holds another role.
aws::Result<SporedProfile> ensure_spored_profile(const aws::iam::Client& iam, const SporedGrants& grants, Apply apply);

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
    say("The new instance profile " + std::string(k_spored_profile) + " is not visible to EC2 yet; trying again in " +
        std::to_string(delay.count()) + " s...");
    wait(delay);
    result = launch();
  }
  return result;
}

}  // namespace spawn::launcher
