#pragma once
// The launch's spec as spored reads it (launcher/launch_spec.hpp writes it; format in
// docs/spored.md, "Where secrets live"): one S3 object per launch that only the launch's
// instance role may read, holding the settings that are secret (webhooks, https:// checkpoint
// URLs, embedded scripts) beside the rest. It is a layer of the config (config.hpp), above the
// config file, whose non-secret copy of the same settings lets spored act before it has read it.
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "spawn/util/expected.hpp"

namespace spawn::agent {

// A 1 MiB embedded script in base64 and the rest fit in this.
inline constexpr std::size_t k_max_spec_bytes = 2 << 20;

struct LaunchSpec {
  std::string launch_id;
  nlohmann::json settings;  // the keys a spec may set (config.cpp), as Sources::spec
};

// Checks the document (a JSON object, version 1, a launch id) and keeps the settings a spec may
// set. A deadline of this instance's own in "ttl_deadlines" ({instance id: RFC 3339}, written by
// `spawn extend` for some members of a launch) stands for ttl_deadline. An embedded checkpoint script ("embedded:<sha256>" with checkpoint_script_content in
// base64) is decoded, checked against its hash and written to <script_folder>/embedded-<sha256>.sh
// (the folder private to root, the file 0700, written atomically); checkpoint_script then names
// that file. An error is a sentence naming what is wrong.
// A member with no entry of its own (a --relaunch replacement launched after `spawn extend`) takes
// the entry of its job-array index ("index:K"), which spawn writes for every generation of it.
expected<LaunchSpec, std::string> read_launch_spec(std::string_view text, const std::string& script_folder,
                                                   const std::string& instance_id = {},
                                                   std::optional<int> job_array_index = std::nullopt);

}  // namespace spawn::agent
