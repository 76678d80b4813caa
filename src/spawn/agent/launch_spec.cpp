#include "spawn/agent/launch_spec.hpp"

#include "spawn/util/encoding.hpp"
#include "spawn/util/files.hpp"
#include "spawn/util/sha256.hpp"

namespace spawn::agent {
namespace {

constexpr const char* k_setting_keys[] = {"on_interruption", "checkpoint_script", "checkpoint_script_region", "notify",
                                          "ttl_deadline", "on_complete"};
constexpr std::string_view k_embedded = "embedded:";

bool is_sha256_hex(std::string_view s) {
  return s.size() == 64 && s.find_first_not_of("0123456789abcdef") == std::string_view::npos;
}

// The embedded script written where it can be run; its path.
expected<std::string, std::string> write_embedded(const nlohmann::json& doc, std::string_view sha,
                                                  const std::string& folder) {
  if (!is_sha256_hex(sha)) return unexpected(std::string("checkpoint_script: embedded: needs a sha256 in hex"));
  auto content = doc.find("checkpoint_script_content");
  if (content == doc.end() || !content->is_string())
    return unexpected(std::string("checkpoint_script is embedded but checkpoint_script_content is missing"));
  auto script = util::base64_decode(content->get<std::string>());
  if (!script) return unexpected(std::string("checkpoint_script_content is not base64"));
  if (util::sha256_hex(*script) != sha)
    return unexpected(std::string("checkpoint_script_content does not match its sha256: not run"));
  if (auto made = util::ensure_private_dir(folder); !made) return unexpected(made.error());
  const std::string path = folder + "/embedded-" + std::string(sha) + ".sh";
  if (auto written = util::write_file_atomically(path, *script, 0700); !written) return unexpected(written.error());
  return path;
}

}  // namespace

expected<LaunchSpec, std::string> read_launch_spec(std::string_view text, const std::string& script_folder,
                                                   const std::string& instance_id, std::optional<int> job_array_index) {
  if (text.size() > k_max_spec_bytes) return unexpected(std::string("larger than 2 MiB: not a spec spawn wrote"));
  auto doc = nlohmann::json::parse(text, nullptr, false);
  if (!doc.is_object()) return unexpected(std::string("not a JSON object"));
  auto version = doc.find("version");
  if (version == doc.end() || !version->is_number_integer())
    return unexpected(std::string("no version: not a spec spawn wrote"));
  if (*version != 1)
    return unexpected("version " + version->dump() + " is newer than this spored knows (1): update the agent");
  auto id = doc.find("launch_id");
  if (id == doc.end() || !id->is_string() || id->get<std::string>().empty())
    return unexpected(std::string("no launch_id"));

  LaunchSpec spec;
  spec.launch_id = id->get<std::string>();
  spec.settings = nlohmann::json::object();
  for (const char* key : k_setting_keys)
    if (auto it = doc.find(key); it != doc.end()) spec.settings[key] = *it;

  if (auto own = doc.find("ttl_deadlines"); own != doc.end() && !instance_id.empty()) {
    if (!own->is_object()) return unexpected(std::string("ttl_deadlines is not an object"));
    if (auto mine = own->find(instance_id); mine != own->end()) spec.settings["ttl_deadline"] = *mine;
    else if (auto by_index = job_array_index ? own->find("index:" + std::to_string(*job_array_index)) : own->end();
             by_index != own->end())
      spec.settings["ttl_deadline"] = *by_index;
  }

  auto script = spec.settings.find("checkpoint_script");
  if (script != spec.settings.end() && script->is_string() && script->get<std::string>().starts_with(k_embedded)) {
    auto path = write_embedded(doc, std::string_view(script->get_ref<const std::string&>()).substr(k_embedded.size()),
                               script_folder);
    if (!path) return unexpected(path.error());
    *script = *path;
  }
  return spec;
}

}  // namespace spawn::agent
