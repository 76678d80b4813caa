#include "spawn/cli/spawn_config.hpp"

#include <algorithm>

#include "spawn/util/files.hpp"

namespace spawn::cli {
namespace {

constexpr int k_format_version = 1;

bool is_sha256_hex(const std::string& s) {
  if (s.size() != 64) return false;
  for (char c : s)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  return true;
}

expected<AgentLocation, std::string> agent_from_json(const std::string& name, const nlohmann::json& j) {
  if (!j.is_object()) return unexpected("\"" + name + "\" is not an object");
  auto text = [&](const char* key) -> std::string {
    auto it = j.find(key);
    return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
  };
  AgentLocation a;
  a.bucket = text("bucket");
  a.key = text("key");
  a.sha256_key = text("sha256_key");
  a.region = text("region");
  a.sha256 = text("sha256");
  a.architecture = text("architecture");
  a.spawn_version = text("spawn_version");
  a.uploaded_at = text("uploaded_at");
  if (auto it = j.find("size"); it != j.end() && it->is_number_unsigned()) a.size = it->get<uint64_t>();
  if (a.architecture.empty()) a.architecture = "x86_64";
  if (a.bucket.empty() || a.key.empty() || a.region.empty())
    return unexpected("\"" + name + "\" lacks its bucket, key or region");
  if (!is_sha256_hex(a.sha256)) return unexpected("\"" + name + "\".sha256 is not 64 lowercase hex digits");
  return a;
}

nlohmann::json agent_to_json(const AgentLocation& a) {
  return {{"bucket", a.bucket},           {"key", a.key},       {"sha256_key", a.sha256_key},
          {"region", a.region},           {"sha256", a.sha256}, {"size", a.size},
          {"architecture", a.architecture}, {"spawn_version", a.spawn_version}, {"uploaded_at", a.uploaded_at}};
}

bool is_agent_key(const std::string& key) { return key == "agent" || key.starts_with("agent_"); }

}  // namespace

std::string agent_config_key(const std::string& arch) { return arch == "x86_64" ? "agent" : "agent_" + arch; }

const AgentLocation* SpawnConfig::agent_for(const std::string& arch) const {
  for (const auto& a : agents)
    if (a.architecture == arch) return &a;
  return nullptr;
}

void SpawnConfig::set_agent(const AgentLocation& upload) {
  for (auto& a : agents)
    if (a.architecture == upload.architecture) {
      a = upload;
      return;
    }
  agents.push_back(upload);
  // x86_64 first: the order of the install snippet's cases and of what spawn says.
  std::stable_partition(agents.begin(), agents.end(), [](const AgentLocation& a) { return a.architecture == "x86_64"; });
}

std::optional<std::string> spawn_config_path(const aws::config::Environment& env) {
  if (auto xdg = env("XDG_CONFIG_HOME"); xdg && !xdg->empty() && xdg->front() == '/')
    return *xdg + "/spawn/config.json";
  if (auto home = env("HOME"); home && !home->empty()) return *home + "/.config/spawn/config.json";
  return std::nullopt;
}

expected<SpawnConfig, std::string> load_spawn_config(const std::string& path) {
  SpawnConfig config;
  auto text = util::read_file(path);
  if (!text) return unexpected(text.error());
  if (!*text) return config;
  auto doc = nlohmann::json::parse(**text, nullptr, false);
  if (doc.is_discarded() || !doc.is_object()) return unexpected(path + ": not a JSON object");
  config.document = doc;
  for (const auto& [key, value] : doc.items()) {
    if (!is_agent_key(key) || value.is_null()) continue;
    auto agent = agent_from_json(key, value);
    if (!agent) return unexpected(path + ": " + agent.error());
    if (config.agent_for(agent->architecture))
      return unexpected(path + ": two entries for " + agent->architecture + " (\"" + key + "\" and another)");
    config.set_agent(*agent);
  }
  return config;
}

expected<void, std::string> save_spawn_config(const std::string& path, const SpawnConfig& config) {
  const std::string dir = path.substr(0, path.find_last_of('/'));
  if (auto ok = util::ensure_private_dir(dir); !ok) {
    // The parent (~/.config) may not exist yet: create it as XDG wants (0700), then ours.
    auto parent = dir.substr(0, dir.find_last_of('/'));
    if (auto made = util::ensure_dir(parent, 0700); !made) return unexpected(made.error());
    if (auto again = util::ensure_private_dir(dir); !again) return unexpected(again.error());
  }
  nlohmann::json doc = config.document.is_object() ? config.document : nlohmann::json::object();
  doc["version"] = k_format_version;
  for (auto it = doc.begin(); it != doc.end();) {
    if (is_agent_key(it.key()))
      it = doc.erase(it);
    else
      ++it;
  }
  for (const auto& a : config.agents) doc[agent_config_key(a.architecture)] = agent_to_json(a);
  return util::write_file_atomically(path, doc.dump(2) + "\n", 0600);
}

}  // namespace spawn::cli
