#pragma once
// Getting spored onto a spot instance: the shell snippet that spawn's user-data runs last
// (launcher/user_data: SpotSetup::agent_install). It
//   1. refuses a machine of another architecture than the binary's (uname -m),
//   2. downloads the binary with curl: https only (redirects too), --fail, 5 attempts,
//   3. checks its SHA-256 against the one spawn knows, and refuses it (removed, one line on
//      stderr, which cloud-init logs to /var/log/cloud-init-output.log and the console, exit 1)
//      when it differs: nothing downloaded runs unchecked,
//   4. installs it as /usr/local/bin/spored (0755, atomically: a temporary file, then rename),
//   5. writes dist/spored.service (embedded at build time) as /etc/systemd/system/spored.service,
//   6. systemctl daemon-reload; systemctl enable --now --no-block spored.service.
// spawn's script has written /etc/spawn/spot-config.json before this runs. Every value is
// shell-quoted. The snippet is self-contained (it needs only bash, coreutils, curl and systemd);
// like the rest of spawn's script it writes under "$spawn_root" (empty on an instance; a sandbox
// folder in tests), set to '' when the snippet runs alone.
#include <chrono>
#include <string>
#include <string_view>

#include "spawn/model/usage_error.hpp"
#include "spawn/util/expected.hpp"

namespace spawn::launcher {

inline constexpr const char* k_spored_binary_path = "/usr/local/bin/spored";
inline constexpr const char* k_spored_unit_path = "/etc/systemd/system/spored.service";
// How long a presigned agent URL made at launch stays valid: long enough for an instance to
// boot (spot requests are fulfilled in seconds to minutes), short enough that a leaked
// user-data stops being a key to the object soon.
inline constexpr std::chrono::seconds k_agent_url_expiry{3600};

// Where the instance gets spored, and what it must be.
struct AgentSource {
  std::string url;           // https:// only: a presigned S3 URL or --agent-url
  std::string sha256;        // 64 hex digits (lower-cased when checked)
  std::string architecture;  // `uname -m` the binary is for ("x86_64", "aarch64"); "": not checked
};

// The text of dist/spored.service, as built into spawn.
std::string_view spored_unit();

// A usage error (naming --agent-url / --agent-sha256) when the URL is not a valid https:// URL
// or the sha256 is not 64 hex digits; the source with the sha256 lower-cased otherwise.
expected<AgentSource, model::UsageError> check_agent_source(AgentSource source);

// The snippet (see above) for a source that check_agent_source accepted.
std::string agent_install_snippet(const AgentSource& source);

}  // namespace spawn::launcher
