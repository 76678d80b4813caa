#include "spawn/launcher/agent_install.hpp"

#include <cctype>

#include "spawn/launcher/spored_unit.hpp"
#include "spawn/util/shell_quote.hpp"
#include "spawn/util/url.hpp"

namespace spawn::launcher {
namespace {

using util::shell_quote;

constexpr std::string_view k_unit_end = "SPAWN_SPORED_UNIT";

}  // namespace

std::string_view spored_unit() { return generated::k_spored_unit; }

expected<AgentSource, model::UsageError> check_agent_source(AgentSource source) {
  if (!source.url.starts_with("https://"))
    return unexpected(model::UsageError{
        "--agent-url: spored must come over https:// (code the instance runs as root), got '" +
            source.url.substr(0, source.url.find('?')) + "'",
        ""});
  // curl would refuse a space or a control character anyway; refused here, it is a usage error.
  bool clean = true;
  for (unsigned char c : source.url) clean = clean && c > 0x20 && c != 0x7f;
  if (!clean || !util::parse_url(source.url))
    return unexpected(model::UsageError{"--agent-url: not a valid https:// URL", ""});
  bool hex = source.sha256.size() == 64;
  for (char& c : source.sha256) {
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    hex = hex && ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'));
  }
  if (!hex)
    return unexpected(model::UsageError{"--agent-sha256: expected the 64 hex digits of the binary's SHA-256 (sha256sum "
                                        "spored), got '" + source.sha256.substr(0, 80) + "'", ""});
  for (char c : source.architecture)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_'))
      return unexpected(model::UsageError{"the agent's architecture '" + source.architecture + "' is not a machine name", ""});
  return source;
}

// Why each step is as it is:
// - the download goes to a mktemp file in the target folder, so that installing is a rename
//   (no half-written /usr/local/bin/spored, ever) and no fixed, guessable path is written;
// - curl's own --retry only retries some failures; the loop retries any (DNS not up yet at
//   early boot, a 5xx), and does not depend on the options of the AMI's curl version;
// - --proto =https --proto-redir =https: neither the URL nor a redirect may drop TLS;
// - the URL is never printed (it is a key to the object until it expires): curl does not echo
//   it and the failure lines name only what went wrong;
// - the unit is a quoted here-document, so nothing in it is expanded; its end word cannot occur
//   in it (the CMake step that embeds the unit checks the delimiter of the C++ side, the unit
//   test checks this one).
std::string agent_install_snippet(const AgentSource& s) {
  std::string out;
  out += "# spored: download, check the sha256, install, start (spawn launcher/agent_install)\n";
  out += ": \"${spawn_root:=}\"\n";
  out += "spawn_agent_url=" + shell_quote(s.url) + "\n";
  out += "spawn_agent_sha256=" + shell_quote(s.sha256) + "\n";
  out += "spawn_agent_arch=" + shell_quote(s.architecture) + "\n";
  out += R"sh(spawn_agent_refuse() {
  printf 'spawn: spored not installed: %s\n' "$1" >&2
  exit 1
}
if [ -n "$spawn_agent_arch" ] && [ "$(uname -m)" != "$spawn_agent_arch" ]; then
  spawn_agent_refuse "it is built for $spawn_agent_arch and this machine is $(uname -m)"
fi
install -d -m 0755 "$spawn_root/usr/local/bin" "$spawn_root/etc/systemd/system"
spawn_agent_tmp=$(mktemp "$spawn_root/usr/local/bin/.spored.XXXXXX")
spawn_agent_ok=''
for spawn_agent_attempt in 1 2 3 4 5; do
  if curl --fail --silent --show-error --location --proto =https --proto-redir =https \
      --connect-timeout 10 --max-time 300 --output "$spawn_agent_tmp" "$spawn_agent_url"; then
    spawn_agent_ok=1
    break
  fi
  if [ "$spawn_agent_attempt" -lt 5 ]; then sleep $((spawn_agent_attempt * 3)); fi
done
if [ -z "$spawn_agent_ok" ]; then
  rm -f -- "$spawn_agent_tmp"
  spawn_agent_refuse "the download failed 5 times (the presigned URL expires an hour after the launch)"
fi
spawn_agent_got=$(sha256sum < "$spawn_agent_tmp")
spawn_agent_got=${spawn_agent_got%% *}
if [ "$spawn_agent_got" != "$spawn_agent_sha256" ]; then
  rm -f -- "$spawn_agent_tmp"
  spawn_agent_refuse "the download's sha256 is $spawn_agent_got, expected $spawn_agent_sha256: refused, not run"
fi
chmod 0755 "$spawn_agent_tmp"
mv -f -- "$spawn_agent_tmp" "$spawn_root)sh";
  out += k_spored_binary_path;
  out += R"sh("
spawn_agent_unit=$(mktemp "$spawn_root/etc/systemd/system/.spored.service.XXXXXX")
cat > "$spawn_agent_unit" <<')sh";
  out += k_unit_end;
  out += "'\n";
  std::string unit(spored_unit());
  if (!unit.ends_with("\n")) unit += "\n";
  out += unit;
  out += k_unit_end;
  out += "\n";
  out += R"sh(chmod 0644 "$spawn_agent_unit"
mv -f -- "$spawn_agent_unit" "$spawn_root)sh";
  out += k_spored_unit_path;
  out += R"sh("
systemctl daemon-reload
systemctl enable --now --no-block spored.service
)sh";
  return out;
}

}  // namespace spawn::launcher
