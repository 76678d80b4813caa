#pragma once
// The spec of a launch: spored's settings that are secret or may change later, kept in S3 as one
// object per launch that only that launch's instance role can read (docs/spored.md, "Where
// secrets live"). Pure: the document and where it goes; writing it is the caller's (aws/s3).
//
// Secrets never travel in user-data, which any process on the instance and anyone allowed
// ec2:DescribeInstanceAttribute can read: https:// webhooks (often bearer secrets), https://
// checkpoint URLs (their path or query may be a key) and embedded checkpoint scripts (user code).
// What is not secret (the market, the on-interruption action, SNS topics, an s3:// script, the TTL
// deadline) is also written into the config file of the user-data, so spored acts on it even
// before it has read the spec.
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "spawn/model/spot_options.hpp"
#include "spawn/util/expected.hpp"

namespace spawn::launcher {

// Where a launch's objects live in spawn's bucket: spawn/launches/<launch id>/.
std::string launch_prefix(const std::string& launch_id);

struct SpecLocation {
  std::string bucket;
  std::string region;  // the bucket's
  std::string key;     // spawn/launches/<launch id>/spec.json

  std::string url() const { return "s3://" + bucket + "/" + key; }
};

SpecLocation spec_location(const std::string& bucket, const std::string& region, const std::string& launch_id);

// What the spec says (version 1, SPEC-FORMAT in docs/spored.md).
struct SpecInput {
  std::string launch_id;
  model::OnInterruption on_interruption = model::OnInterruption::terminate;
  std::optional<model::CheckpointScript> checkpoint_script;
  std::optional<std::string> checkpoint_script_region;  // of an s3:// script's bucket
  std::vector<std::string> notify;
  std::optional<std::string> ttl_deadline;  // RFC 3339
};

// The spec document, JSON text (deterministic).
std::string spec_document(const SpecInput& input);

// Keys of spec_with_deadlines beside instance ids: "index:K" for every generation of a job-array
// member (a --relaunch replacement launched later has no entry of its own), and the launch's own
// "ttl_deadline" (a single instance that relaunches).
inline constexpr const char* k_deadline_index_prefix = "index:";
inline constexpr const char* k_deadline_of_launch = "ttl_deadline";

// The spec document with each instance's new TTL deadline (instance id -> RFC 3339) in
// "ttl_deadlines", which spored prefers to the launch's "ttl_deadline" (`spawn extend`, `spawn
// start`); an "index:K" key goes there too, and k_deadline_of_launch replaces the launch's own.
// Everything else is kept as it was. An error (a sentence) when the document is not a spec of
// version 1.
expected<std::string, std::string> spec_with_deadlines(std::string_view document,
                                                       const std::map<std::string, std::string>& deadlines);

// The options' values that must not travel in user-data: each named as the flag that gave it
// ("--notify https://hooks.example.com/...", with the URL cut after its host). Empty: none.
// (An embedded script is user code: it goes into the spec when there is one, and into the
// user-data otherwise, as the user wrote it.)
std::vector<std::string> secret_settings(const model::SpotOptions& spot);

// Whether a notify target or checkpoint script is kept out of the config file when there is a spec.
bool is_secret_notify_target(const std::string& target);
bool is_secret_checkpoint_script(const model::CheckpointScript& script);

}  // namespace spawn::launcher
