#pragma once
// What `spawn launch --spot` does about spored (docs/spored.md, "Getting spored onto the
// instance"): where the instance gets it (the upload spawn remembers, presigned at launch; or
// --agent-url with --agent-sha256; or nowhere with --no-agent), and the instance profile it
// runs with. launch_command.cpp calls these in order; each says what went wrong as a value.
#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "spawn/aws/auth/credentials.hpp"
#include "spawn/cli/spawn_config.hpp"
#include "spawn/launcher/agent_install.hpp"
#include "spawn/launcher/spored_role.hpp"
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
  std::optional<launcher::AgentSource> source;  // final (--agent-url), or nullopt: presign `remembered`
  std::optional<AgentLocation> remembered;      // from `spawn agent upload`
  std::string warning;                          // spot without spored: one line, said once instances exist
};

// The rules:
//   - --agent-url, --agent-sha256 and --no-agent need --spot; --agent-url and --agent-sha256 go
//     together; --no-agent excludes them;
//   - --agent-url + --agent-sha256: that source (https only, 64 hex digits);
//   - else the upload remembered in the config file (config_path: nullopt when none is known);
//   - else install nothing, with a warning naming what will not happen (--on-interruption
//     checkpoint, --notify, --ttl do nothing without spored; otherwise EC2 still reclaims the
//     instance, only spored's tags, notifications and logs are missing). The launch goes ahead
//     and /etc/spawn/spot-config.json is still written: an AMI may start spored itself
//     (docs/spored.md says why this is a warning and not an error).
// A config file that cannot be read is a usage error naming it.
expected<AgentPlan, model::UsageError> plan_agent(const model::LaunchOptions& options, const AgentFlags& flags,
                                                  const std::optional<std::string>& config_path);

// The source for a remembered upload: a GET URL of the object presigned with credentials for
// launcher::k_agent_url_expiry from now, on bucket_endpoint (Session::s3_bucket_endpoint of the
// bucket and its region). An error when the URL would not be https:// (a plain-http S3 endpoint
// is configured): code the instance runs as root travels over TLS only.
aws::Result<launcher::AgentSource> presigned_agent_source(const AgentLocation& where, const std::string& bucket_endpoint,
                                                          const aws::auth::Credentials& credentials,
                                                          std::chrono::system_clock::time_point now);

// A warning line when the credentials expire before the presigned URL would (it stops working
// then); "" otherwise.
std::string credentials_expiry_warning(const aws::auth::Credentials& credentials,
                                       std::chrono::system_clock::time_point now);

// What the instances of this launch need their role to allow: the SNS topics of --notify, the
// s3:// --checkpoint-script object.
launcher::SporedGrants spored_grants(const model::LaunchOptions& options, const std::string& region);

}  // namespace spawn::cli
