#pragma once
// Getting spored onto an instance: the shell snippet that spawn's user-data runs last
// (launcher/user_data: SpotSetup::agent_install). It
//   1. picks the binary of the machine's architecture (uname -m) and refuses a machine none fits,
//   2. downloads it with curl: https only, --fail, 5 attempts - from spawn's bucket with the
//      instance role's credentials (SigV4 signed by curl, the credentials read from the metadata
//      service and handed to curl on its standard input, never on a command line), so that an
//      instance launched days later from the same template still gets it (nothing expires); or
//      from --agent-url (redirects allowed, https only),
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
#include <vector>

#include "spawn/model/usage_error.hpp"
#include "spawn/util/expected.hpp"

namespace spawn::launcher {

inline constexpr const char* k_spored_binary_path = "/usr/local/bin/spored";
inline constexpr const char* k_spored_unit_path = "/etc/systemd/system/spored.service";

// One uploaded binary in spawn's bucket.
struct AgentBinary {
  std::string architecture;  // `uname -m` it runs on: "x86_64", "aarch64"
  std::string url;           // https://<bucket endpoint>/<key>, fetched with the instance role
  std::string key;           // the object's key (the role may read exactly these)
  std::string sha256;        // 64 hex digits
};

// Where the instance gets spored, and what it must be: either --agent-url, or the binaries in
// spawn's bucket (then url is empty).
struct AgentSource {
  std::string url;           // https:// only: --agent-url
  std::string sha256;        // 64 hex digits (lower-cased when checked)
  std::string architecture;  // `uname -m` the binary is for ("x86_64", "aarch64"); "": not checked
  std::string bucket;        // spawn's bucket, when the binaries are there
  std::string region;        // its region (curl signs for it)
  std::vector<AgentBinary> binaries;

  // The `uname -m` names it has a binary for; empty for an --agent-url of unknown architecture.
  std::vector<std::string> architectures() const;
};

// The text of dist/spored.service, as built into spawn.
std::string_view spored_unit();

// A usage error (naming --agent-url / --agent-sha256) when the URL is not a valid https:// URL
// or the sha256 is not 64 hex digits; the source with the sha256 lower-cased otherwise. For
// binaries in a bucket: each URL https://, each sha256 64 hex digits, each architecture a machine name.
expected<AgentSource, model::UsageError> check_agent_source(AgentSource source);

// The snippet (see above) for a source that check_agent_source accepted.
std::string agent_install_snippet(const AgentSource& source);

}  // namespace spawn::launcher
