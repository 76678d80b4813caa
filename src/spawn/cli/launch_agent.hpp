#pragma once
// What `spawn launch` does about spored (docs/spored.md, "Getting spored onto the instance"):
// where the instance gets it (the upload spawn remembers, fetched by the instance with its own
// role; or --agent-url with --agent-sha256; or nowhere with --no-agent), what stays out of the
// user-data (the secrets, which go into the launch's spec in spawn's bucket), and what the
// launch's instance role may do. launch_command.cpp calls these in order; each says what went
// wrong as a value.
#include <optional>
#include <string>
#include <vector>

#include "spawn/cli/spawn_config.hpp"
#include "spawn/launcher/agent_install.hpp"
#include "spawn/launcher/spored_role.hpp"
#include "spawn/launcher/spot_plan.hpp"
#include "spawn/model/launch_options.hpp"

namespace spawn::cli {

// The agent flags of spawn launch, as typed.
struct AgentFlags {
  std::optional<std::string> url;     // --agent-url
  std::optional<std::string> sha256;  // --agent-sha256
  bool none = false;                  // --no-agent: the AMI runs spored itself, or no agent wanted
};

// Decided before any request.
struct AgentPlan {
  bool install = false;                         // the user-data installs spored
  std::optional<launcher::AgentSource> source;  // final (--agent-url), or nullopt: the remembered upload
  std::vector<AgentLocation> uploads;           // from `spawn agent upload`, one per architecture, in
                                                // one bucket (spawn's bucket); empty: none known
  std::string warning;                          // spored not installed: one line, said once instances exist
};

// The rules:
//   - spored is for spot launches, and for on-demand ones with --ttl (it enforces the deadline);
//     --agent-url, --agent-sha256 and --no-agent need one of those; --agent-url and
//     --agent-sha256 go together; --no-agent excludes them;
//   - --agent-url + --agent-sha256: that source (https only, 64 hex digits);
//   - else the uploads remembered in the config file (config_path: nullopt when none is known):
//     the instance installs the one of its architecture (the launcher refuses a launch of an
//     architecture with no upload before any request: AgentArchitectureMissing);
//   - else install nothing, with a warning naming what will not happen. The launch goes ahead
//     and /etc/spawn/spot-config.json is still written: an AMI may start spored itself
//     (docs/spored.md says why this is a warning and not an error) - except with --ttl on
//     demand: nothing would enforce it, so that is a usage error naming the remedy;
//   - secrets (https:// webhooks, an https:// checkpoint URL) never go into user-data: without
//     spawn's bucket to hold them they are a usage error naming the remedy.
// A config file that cannot be read is a usage error naming it.
expected<AgentPlan, model::UsageError> plan_agent(const model::LaunchOptions& options, const AgentFlags& flags,
                                                  const std::optional<std::string>& config_path);

// The source for a remembered upload: the binaries' objects, fetched by the instance with its own
// role (nothing expires: a replacement launched days later still gets it). bucket_endpoint:
// Session::s3_bucket_endpoint of the bucket and its region; an error when it is not https://
// (code the instance runs as root travels over TLS only).
aws::Result<launcher::AgentSource> bucket_agent_source(const std::vector<AgentLocation>& uploads,
                                                       const std::string& bucket_endpoint);

// What the instances of this launch need their role to allow: the SNS topics of --notify, the
// s3:// --checkpoint-script object, the launch's spec and spored's objects in spawn's bucket,
// cancelling their own persistent spot request (hibernation).
launcher::SporedGrants spored_grants(const model::LaunchOptions& options, const std::string& region,
                                     const std::string& launch_id, const std::vector<AgentLocation>& uploads);

// A source of the same shape as the one bucket_agent_source will give for these uploads (the URLs
// as long as AWS's own endpoint would make them): for the user-data size check before the bucket's
// endpoint is known.
launcher::AgentSource placeholder_source(const std::vector<AgentLocation>& uploads);

class Session;
// The region of an s3:// --checkpoint-script's bucket (HeadBucket), so that spored signs for it;
// nullopt when there is none or it cannot be read (spored then follows S3's redirect).
std::optional<std::string> checkpoint_script_region(const model::LaunchOptions& options, const Session& session);

// What an instance needs from the account once the session is open, into setup: with a
// remembered upload and an install, the install step for the bucket's real endpoint and the
// architectures uploaded; the s3:// checkpoint script's bucket region. Shared by spawn launch and
// spawn pool create; an error when the bucket's endpoint cannot serve code (not https://).
aws::Result<void> complete_agent_setup(launcher::AgentSetup& setup, const AgentPlan& agent,
                                       const model::LaunchOptions& options, const Session& session);

}  // namespace spawn::cli
