#include "spawn/cli/host_key_store.hpp"

#include <unistd.h>

#include "spawn/util/files.hpp"

namespace spawn::cli {

std::string known_hosts_folder(const aws::config::Environment& env) {
  if (!env) return {};
  if (auto xdg = env("XDG_STATE_HOME"); xdg && !xdg->empty() && xdg->front() == '/') return *xdg + "/spawn/known_hosts";
  if (auto home = env("HOME"); home && !home->empty() && home->front() == '/') return *home + "/.local/state/spawn/known_hosts";
  return {};
}

expected<std::string, std::string> remember_host_keys(const aws::config::Environment& env, const std::string& instance_id,
                                                      const std::vector<model::HostKey>& keys) {
  const std::string folder = known_hosts_folder(env);
  if (folder.empty()) return unexpected(std::string("neither XDG_STATE_HOME nor HOME is set: nowhere to keep host keys"));
  const std::string parent = folder.substr(0, folder.rfind('/'));
  if (auto made = util::ensure_dir(parent, 0700); !made) return unexpected(made.error());
  if (auto made = util::ensure_private_dir(folder); !made) return unexpected(made.error());
  const std::string path = folder + "/" + instance_id;
  if (auto written = util::write_file_atomically(path, model::known_hosts_text(instance_id, keys), 0600); !written)
    return unexpected(written.error());
  return path;
}

void forget_host_keys(const aws::config::Environment& env, const std::vector<std::string>& instance_ids) {
  const std::string folder = known_hosts_folder(env);
  if (folder.empty()) return;
  for (const auto& id : instance_ids)
    if (id.starts_with("i-") && id.find('/') == std::string::npos) ::unlink((folder + "/" + id).c_str());
}

}  // namespace spawn::cli
