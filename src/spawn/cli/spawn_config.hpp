#pragma once
// spawn's own settings file, $XDG_CONFIG_HOME/spawn/config.json (or ~/.config/spawn/config.json):
// what spawn remembers between runs. Today: where `spawn agent upload` put spored.
//   {"version": 1,
//    "agent": {"bucket": "b", "key": "spawn/agent/<sha256>/spored", "sha256_key": ".../spored.sha256",
//              "region": "us-east-1", "sha256": "<64 hex>", "size": 4096, "architecture": "x86_64",
//              "spawn_version": "0.1.0", "uploaded_at": "2026-11-27T10:00:00Z"}}
// Keys spawn does not know are kept as they are when the file is rewritten. Written atomically
// (a private temporary file, then rename), mode 0600, in a folder only its owner may enter.
#include <cstdint>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "spawn/aws/config/environment.hpp"
#include "spawn/util/expected.hpp"

namespace spawn::cli {

// Where spored was uploaded, and what it is.
struct AgentLocation {
  std::string bucket;
  std::string key;         // the binary
  std::string sha256_key;  // its "<hex>  spored" line, for people and sha256sum -c
  std::string region;      // the bucket's region (the instance signs its GET for it)
  std::string sha256;      // 64 lowercase hex
  uint64_t size = 0;
  std::string architecture;  // uname -m of the machines it runs on: x86_64, aarch64
  std::string spawn_version;
  std::string uploaded_at;  // RFC 3339
};

struct SpawnConfig {
  std::optional<AgentLocation> agent;
  nlohmann::json document = nlohmann::json::object();  // the whole file as read (unknown keys kept)
};

// $XDG_CONFIG_HOME/spawn/config.json when XDG_CONFIG_HOME is an absolute path (the XDG rule),
// else $HOME/.config/spawn/config.json; nullopt when neither is known.
std::optional<std::string> spawn_config_path(const aws::config::Environment& env);

// The file's settings; empty ones when it does not exist. An error (a sentence naming the file
// and what is wrong) when it cannot be read, is not JSON, or its "agent" entry is malformed.
expected<SpawnConfig, std::string> load_spawn_config(const std::string& path);

// Writes config (its document with "agent" replaced) to path: the folder is created 0700 (and
// its parent, like ~/.config, 0700 when missing), the file replaced atomically with mode 0600.
// An error (a sentence) when a step fails.
expected<void, std::string> save_spawn_config(const std::string& path, const SpawnConfig& config);

}  // namespace spawn::cli
