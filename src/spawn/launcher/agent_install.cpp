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

namespace {

bool clean_https_url(const std::string& url) {
  if (!url.starts_with("https://")) return false;
  // curl would refuse a space or a control character anyway; refused here, it is a usage error.
  for (unsigned char c : url)
    if (c <= 0x20 || c == 0x7f) return false;
  return util::parse_url(url).has_value();
}

bool hex64(std::string& text) {
  bool hex = text.size() == 64;
  for (char& c : text) {
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    hex = hex && ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'));
  }
  return hex;
}

bool machine_name(const std::string& arch) {
  for (char c : arch)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_')) return false;
  return true;
}

// The refusal, the download (bucket or URL), the sha256 check; then install_tail.
std::string fetch_with_url(const AgentSource& s) {
  std::string out;
  out += "spawn_agent_url=" + shell_quote(s.url) + "\n";
  out += "spawn_agent_sha256=" + shell_quote(s.sha256) + "\n";
  out += "spawn_agent_arch=" + shell_quote(s.architecture) + "\n";
  out += R"sh(if [ -n "$spawn_agent_arch" ] && [ "$(uname -m)" != "$spawn_agent_arch" ]; then
  spawn_agent_refuse "it is built for $spawn_agent_arch and this machine is $(uname -m)"
fi
spawn_agent_fetch() {
  curl --fail --silent --show-error --location --proto =https --proto-redir =https \
    --connect-timeout 10 --max-time 300 --output "$1" "$spawn_agent_url"
}
)sh";
  return out;
}

std::string fetch_from_bucket(const AgentSource& s) {
  std::string out;
  out += "spawn_agent_region=" + shell_quote(s.region) + "\n";
  out += "case \"$(uname -m)\" in\n";
  for (const auto& b : s.binaries) {
    out += "  " + shell_quote(b.architecture) + ")\n";
    out += "    spawn_agent_url=" + shell_quote(b.url) + "\n";
    out += "    spawn_agent_sha256=" + shell_quote(b.sha256) + " ;;\n";
  }
  std::string known;
  for (const auto& b : s.binaries) known += (known.empty() ? "" : ", ") + b.architecture;
  out += "  *) spawn_agent_refuse \"no spored was uploaded for $(uname -m) (uploaded: " + known +
         "); run 'spawn agent upload' with a build for it\" ;;\n";
  out += "esac\n";
  // The role's credentials go to curl on its standard input (a config file read from "-"):
  // printf is a shell builtin, so they never appear in a process's command line or environment.
  // The payload hash of an empty GET body is given, as S3 requires x-amz-content-sha256.
  out += R"sh(: "${spawn_imds:=http://169.254.169.254}"
spawn_imds_get() {
  curl --fail --silent --show-error --connect-timeout 2 --max-time 10 "$@"
}
spawn_agent_fetch() {
  local token role creds key secret session
  token=$(spawn_imds_get -X PUT -H 'X-aws-ec2-metadata-token-ttl-seconds: 300' "$spawn_imds/latest/api/token") || return 1
  role=$(spawn_imds_get -H "X-aws-ec2-metadata-token: $token" "$spawn_imds/latest/meta-data/iam/security-credentials/") || return 1
  role=${role%%$'\n'*}
  [ -n "$role" ] || return 1
  creds=$(spawn_imds_get -H "X-aws-ec2-metadata-token: $token" "$spawn_imds/latest/meta-data/iam/security-credentials/$role") || return 1
  key=$(printf '%s\n' "$creds" | sed -n 's/.*"AccessKeyId"[[:space:]]*:[[:space:]]*"\([^"]*\)".*/\1/p')
  secret=$(printf '%s\n' "$creds" | sed -n 's/.*"SecretAccessKey"[[:space:]]*:[[:space:]]*"\([^"]*\)".*/\1/p')
  session=$(printf '%s\n' "$creds" | sed -n 's/.*"Token"[[:space:]]*:[[:space:]]*"\([^"]*\)".*/\1/p')
  [ -n "$key" ] && [ -n "$secret" ] || return 1
  printf 'user = "%s:%s"\nheader = "x-amz-security-token: %s"\n' "$key" "$secret" "$session" |
    curl --config - --fail --silent --show-error --proto =https \
      --connect-timeout 10 --max-time 300 --aws-sigv4 "aws:amz:$spawn_agent_region:s3" \
      -H 'x-amz-content-sha256: e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855' \
      --output "$1" "$spawn_agent_url"
}
)sh";
  return out;
}

}  // namespace

std::vector<std::string> AgentSource::architectures() const {
  std::vector<std::string> out;
  if (!url.empty()) {
    if (!architecture.empty()) out.push_back(architecture);
    return out;
  }
  for (const auto& b : binaries) out.push_back(b.architecture);
  return out;
}

expected<AgentSource, model::UsageError> check_agent_source(AgentSource source) {
  if (!source.binaries.empty()) {
    for (auto& b : source.binaries) {
      if (!clean_https_url(b.url))
        return unexpected(model::UsageError{"spored's object must be fetched over https://, got '" +
                                                b.url.substr(0, b.url.find('?')) + "'", ""});
      if (!hex64(b.sha256)) return unexpected(model::UsageError{"the sha256 of spored's upload is not 64 hex digits", ""});
      if (b.architecture.empty() || !machine_name(b.architecture))
        return unexpected(model::UsageError{"the agent's architecture '" + b.architecture + "' is not a machine name", ""});
    }
    return source;
  }
  if (!source.url.starts_with("https://"))
    return unexpected(model::UsageError{
        "--agent-url: spored must come over https:// (code the instance runs as root), got '" +
            source.url.substr(0, source.url.find('?')) + "'",
        ""});
  if (!clean_https_url(source.url)) return unexpected(model::UsageError{"--agent-url: not a valid https:// URL", ""});
  if (!hex64(source.sha256))
    return unexpected(model::UsageError{"--agent-sha256: expected the 64 hex digits of the binary's SHA-256 (sha256sum "
                                        "spored), got '" + source.sha256.substr(0, 80) + "'", ""});
  if (!machine_name(source.architecture))
    return unexpected(model::UsageError{"the agent's architecture '" + source.architecture + "' is not a machine name", ""});
  return source;
}

// Why each step is as it is:
// - the download goes to a mktemp file in the target folder, so that installing is a rename
//   (no half-written /usr/local/bin/spored, ever) and no fixed, guessable path is written;
// - curl's own --retry only retries some failures; the loop retries any (DNS or the role's
//   credentials not there yet at early boot, a 5xx), and does not depend on the options of the
//   AMI's curl version;
// - --proto =https (and --proto-redir =https for --agent-url): neither the URL nor a redirect may
//   drop TLS;
// - nothing secret is printed: the failure lines name only what went wrong;
// - the unit is a quoted here-document, so nothing in it is expanded; its end word cannot occur
//   in it (the CMake step that embeds the unit checks the delimiter of the C++ side, the unit
//   test checks this one).
std::string agent_install_snippet(const AgentSource& s) {
  std::string out;
  out += "# spored: download, check the sha256, install, start (spawn launcher/agent_install)\n";
  out += ": \"${spawn_root:=}\"\n";
  out += R"sh(spawn_agent_refuse() {
  printf 'spawn: spored not installed: %s\n' "$1" >&2
  exit 1
}
)sh";
  out += s.binaries.empty() ? fetch_with_url(s) : fetch_from_bucket(s);
  out += R"sh(install -d -m 0755 "$spawn_root/usr/local/bin" "$spawn_root/etc/systemd/system"
spawn_agent_tmp=$(mktemp "$spawn_root/usr/local/bin/.spored.XXXXXX")
spawn_agent_ok=''
for spawn_agent_attempt in 1 2 3 4 5; do
  if spawn_agent_fetch "$spawn_agent_tmp"; then
    spawn_agent_ok=1
    break
  fi
  if [ "$spawn_agent_attempt" -lt 5 ]; then sleep $((spawn_agent_attempt * 3)); fi
done
if [ -z "$spawn_agent_ok" ]; then
  rm -f -- "$spawn_agent_tmp"
  spawn_agent_refuse "the download failed 5 times"
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
