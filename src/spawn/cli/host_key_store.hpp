#pragma once
// spawn's known_hosts files: one per instance, holding only the host keys that instance printed
// on its console, under $XDG_STATE_HOME/spawn/known_hosts/ (else ~/.local/state/spawn/...;
// folder 0700, files 0600). `spawn connect` writes one; `spawn terminate` removes it.
#include <string>
#include <vector>

#include "spawn/aws/config/environment.hpp"
#include "spawn/model/host_keys.hpp"
#include "spawn/util/expected.hpp"

namespace spawn::cli {

// The folder; "" when neither XDG_STATE_HOME nor HOME is an absolute path.
std::string known_hosts_folder(const aws::config::Environment& env);

// Writes the instance's file (atomically); its path, or an error (a sentence).
expected<std::string, std::string> remember_host_keys(const aws::config::Environment& env, const std::string& instance_id,
                                                      const std::vector<model::HostKey>& keys);

// Removes the files of these instances (those that exist); never an error worth stopping for.
void forget_host_keys(const aws::config::Environment& env, const std::vector<std::string>& instance_ids);

}  // namespace spawn::cli
