#include "spawn/launcher/user_data.hpp"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "spawn/launcher/agent_install.hpp"
#include "spawn/model/launch_options.hpp"
#include "spawn/util/encoding.hpp"
#include "spawn/util/sha256.hpp"
#include "spawn/util/shell_quote.hpp"

namespace spawn::launcher {
namespace {

using util::shell_quote;

// cloud-init itself parses the whole user-data as MIME when this appears in its first 4 KB
// (cloudinit/user_data.py convert_string); such user-data is nested as it is.
bool looks_like_mime(std::string_view data) {
  std::string head(data.substr(0, 4096));
  for (char& c : head) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return head.find("mime-version:") != std::string::npos;
}

bool is_gzip(std::string_view data) { return data.size() >= 2 && data[0] == '\x1f' && data[1] == '\x8b'; }

// Text that can travel as 8bit MIME: valid UTF-8 without NUL or other control bytes than
// tab, CR and LF.
bool is_plain_text(std::string_view data) {
  for (size_t i = 0; i < data.size();) {
    unsigned char c = static_cast<unsigned char>(data[i]);
    if (c < 0x80) {
      if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7f) return false;
      ++i;
      continue;
    }
    size_t len = (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
    if (len == 0 || i + len > data.size()) return false;
    for (size_t k = 1; k < len; ++k)
      if ((static_cast<unsigned char>(data[i + k]) >> 6) != 2) return false;
    i += len;
  }
  return true;
}

std::string wrapped_base64(std::string_view data) {
  std::string b64 = util::base64_encode(data);
  std::string out;
  for (size_t i = 0; i < b64.size(); i += 76) out += b64.substr(i, 76) + "\n";
  return out;
}

std::string line_end(const std::string& text) { return text.ends_with("\n") ? text : text + "\n"; }

}  // namespace

std::string spot_config_json(const SpotSetup& s) {
  nlohmann::ordered_json doc;
  switch (s.market) {
    case SpotMarket::spot: doc["spot"] = true; break;
    case SpotMarket::on_demand: doc["spot"] = false; break;
    case SpotMarket::per_instance: doc["spot"] = nullptr; break;
  }
  doc["on_interruption"] = std::string(model::to_string(s.on_interruption));
  std::string script;
  if (s.checkpoint_script && !(s.spec && is_secret_checkpoint_script(*s.checkpoint_script)))
    script = s.checkpoint_script->kind == model::CheckpointScript::Kind::local_file ? k_checkpoint_path
                                                                                   : s.checkpoint_script->source;
  doc["checkpoint_script"] = script;
  if (s.checkpoint_script_region && !script.empty()) doc["checkpoint_script_region"] = *s.checkpoint_script_region;
  std::vector<std::string> notify;
  for (const auto& target : s.notify)
    if (!(s.spec && is_secret_notify_target(target))) notify.push_back(target);
  doc["notify"] = notify;
  if (s.ttl_deadline) doc["ttl_deadline"] = *s.ttl_deadline;
  if (s.on_complete) doc["on_complete"] = *s.on_complete;
  if (s.idle.timeout) {
    doc["idle_timeout"] = std::to_string(s.idle.timeout->count()) + "s";
    if (s.idle.action) doc["on_idle"] = std::string(model::to_string(*s.idle.action));
    doc["active_processes"] = s.idle.active_processes;
    if (s.idle.cpu_percent) doc["idle_cpu"] = fmt::format("{}", *s.idle.cpu_percent);
  }
  if (s.spec) {
    doc["spec"] = s.spec->url();
    doc["spec_region"] = s.spec->region;
  }
  if (s.price_alert) doc["price_alert"] = s.price_alert->text();
  if (s.relaunch) doc["relaunch"] = to_json(*s.relaunch);
  return doc.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

// Written for bash under `set -euo pipefail`: any failing step stops the script, and
// cloud-init reports it. Values are quoted where they are used, never spliced unquoted.
std::string spot_script(const SpotSetup& s) {
  // With a spec, an embedded script travels in it, not here.
  const bool embedded = !s.spec && s.checkpoint_script &&
                        s.checkpoint_script->kind == model::CheckpointScript::Kind::local_file;

  std::string out;
  out += "#!/bin/bash\n";
  out += fmt::format("# spawn {}: spot settings for spored. Generated; do not edit.\n", SPAWN_VERSION);
  out += "set -euo pipefail\n";
  out += "spawn_root=" + shell_quote(s.root) + "\n";
  out += "umask 077\n";
  out += R"(
# spawn_write MODE FILE: standard input to FILE with MODE, atomically (a temporary file in
# the same folder, then a rename), so that a reader never sees half a file.
spawn_write() {
  local tmp
  tmp=$(mktemp "$2.XXXXXX")
  cat > "$tmp"
  chmod "$1" "$tmp"
  mv -f "$tmp" "$2"
}

install -d -m 0755 "$spawn_root/etc/spawn"
)";
  out += "printf '%s\\n' " + shell_quote(spot_config_json(s)) + " | spawn_write 0600 \"$spawn_root" +
         k_spot_config_path + "\"\n";
  if (embedded) {
    // base64 keeps the script byte for byte (its sha256 is in the tag spawn:checkpoint-script),
    // and its alphabet cannot contain the here-document's end word.
    out += fmt::format("# checkpoint script, sha256 {}\n", s.checkpoint_script->sha256);
    out += "base64 -d <<'SPAWN_CHECKPOINT_BASE64' | spawn_write 0700 \"$spawn_root" + std::string(k_checkpoint_path) + "\"\n";
    out += wrapped_base64(s.checkpoint_script->content);
    out += "SPAWN_CHECKPOINT_BASE64\n";
  }
  out += "\n# spored: install and start\n";
  if (s.agent_install.empty())
    out += ":  # no agent install step in this build\n";
  else
    out += line_end(s.agent_install);
  if (s.relaunch && !s.agent_install.empty()) {
    // The user's part runs after this one: a replacement's job waits for the checkpoint of the
    // member it replaces (agent/handover.hpp); bounded, and never a reason to fail the boot.
    out += "\n# --relaunch: a replacement's job starts once the member it replaces has checkpointed\n";
    out += std::string("\"$spawn_root") + k_spored_binary_path +
           "\" handover --timeout 15m || printf 'spawn: the handover gate did not run; the job starts now\\n' >&2\n";
  }
  return out;
}

std::string combine_user_data(const std::string& spawn_script, const std::optional<std::string>& user_data) {
  if (!user_data) return spawn_script;
  const std::string& user = *user_data;
  // A boundary derived from the content (so the output is deterministic) and checked
  // against it, lengthened in the practically impossible case that it occurs.
  std::string boundary = "==spawn-" + util::sha256_hex(spawn_script + user).substr(0, 24) + "==";
  while (spawn_script.find(boundary) != std::string::npos || user.find(boundary) != std::string::npos)
    boundary = "==spawn-" + util::sha256_hex(boundary).substr(0, 24) + boundary.substr(8);

  // RFC 2046: the line break before a boundary belongs to the boundary, so each body is
  // followed by one more "\n" than it has: cloud-init then reads the bytes exactly as given.
  const std::string delimiter = "\n--" + boundary;
  std::string out;
  out += "Content-Type: multipart/mixed; boundary=\"" + boundary + "\"\n";
  out += "MIME-Version: 1.0\n";
  out += delimiter + "\n";
  out += "Content-Type: text/x-shellscript; charset=\"utf-8\"\n";
  out += "MIME-Version: 1.0\n";
  out += "Content-Transfer-Encoding: 8bit\n";
  out += "Content-Disposition: attachment; filename=\"00-spawn-spot.sh\"\n\n";
  out += spawn_script;
  out += delimiter + "\n";
  if (looks_like_mime(user)) {
    // Already a MIME document: its headers become this part's headers; cloud-init walks into it.
    out += user;
  } else if (is_gzip(user)) {
    out += "Content-Type: application/x-gzip\n";
    out += "MIME-Version: 1.0\n";
    out += "Content-Transfer-Encoding: base64\n";
    out += "Content-Disposition: attachment; filename=\"50-user-data.gz\"\n\n";
    out += wrapped_base64(user);
  } else {
    // text/x-not-multipart: cloud-init decides the type from the first line, as it would for
    // this user-data on its own (#!, #cloud-config, #include, ...).
    const bool text = is_plain_text(user);
    out += "Content-Type: text/x-not-multipart; charset=\"utf-8\"\n";
    out += "MIME-Version: 1.0\n";
    out += std::string("Content-Transfer-Encoding: ") + (text ? "8bit" : "base64") + "\n";
    out += "Content-Disposition: attachment; filename=\"50-user-data\"\n\n";
    out += text ? user : wrapped_base64(user);
  }
  out += delimiter + "--\n";
  return out;
}

expected<std::string, model::UsageError> build_user_data(const SpotSetup& setup,
                                                         const std::optional<std::string>& user_data) {
  std::string script = spot_script(setup);
  std::string final_data = combine_user_data(script, user_data);
  if (final_data.size() <= model::k_user_data_limit) return final_data;
  std::string parts = fmt::format("spawn's spot setup {} bytes", script.size());
  if (setup.checkpoint_script && setup.checkpoint_script->kind == model::CheckpointScript::Kind::local_file)
    parts += fmt::format(" with the embedded checkpoint script {} ({} bytes)", setup.checkpoint_script->source,
                         setup.checkpoint_script->content.size());
  if (user_data) parts += fmt::format(", your --user-data {} bytes", user_data->size());
  return unexpected(model::UsageError{
      fmt::format("the user-data would be {} bytes ({}), over EC2's limit of {} bytes", final_data.size(), parts,
                  model::k_user_data_limit),
      "put large scripts in S3: --checkpoint-script s3://bucket/key, and a short --user-data that fetches the rest "
      "from s3://"});
}

}  // namespace spawn::launcher
