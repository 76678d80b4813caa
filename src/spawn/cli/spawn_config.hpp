#pragma once
// spawn's own settings file, $XDG_CONFIG_HOME/spawn/config.json (or ~/.config/spawn/config.json):
// what spawn remembers between runs. Today: where `spawn agent upload` put spored, one entry per
// architecture: "agent" for x86_64, "agent_aarch64" for aarch64 (Graviton) ("agent_<uname -m>" for
// any other), all in one bucket.
//   {"version": 1,
//    "agent": {"bucket": "b", "key": "spawn/agent/<sha256>/spored", "sha256_key": ".../spored.sha256",
//              "region": "us-east-1", "sha256": "<64 hex>", "size": 4096, "architecture": "x86_64",
//              "spawn_version": "0.1.0", "uploaded_at": "2026-11-27T10:00:00Z"},
//    "agent_aarch64": {... "architecture": "aarch64" ...}}
// An entry whose "architecture" is missing is x86_64 (files written before arm64 builds existed).
// Keys spawn does not know are kept as they are when the file is rewritten. Written atomically
// (a private temporary file, then rename), mode 0600, in a folder only its owner may enter.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

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
  // The uploads, at most one per architecture, x86_64 first; empty when none is known.
  std::vector<AgentLocation> agents;
  nlohmann::json document = nlohmann::json::object();  // the whole file as read (unknown keys kept)

  // The upload for `uname -m` arch, nullptr when there is none.
  const AgentLocation* agent_for(const std::string& arch) const;
  // An upload in spawn's bucket (all of them are in the one bucket, which also holds each
  // launch's spec): its bucket and region are that bucket's; nullptr when none is known.
  const AgentLocation* bucket() const { return agents.empty() ? nullptr : &agents.front(); }
  // Remembers upload for its architecture, replacing the one before.
  void set_agent(const AgentLocation& upload);
};

// The config file's key for an architecture's upload: "agent" (x86_64), "agent_aarch64", ...
std::string agent_config_key(const std::string& arch);

// $XDG_CONFIG_HOME/spawn/config.json when XDG_CONFIG_HOME is an absolute path (the XDG rule),
// else $HOME/.config/spawn/config.json; nullopt when neither is known.
std::optional<std::string> spawn_config_path(const aws::config::Environment& env);

// The file's settings; empty ones when it does not exist. An error (a sentence naming the file
// and what is wrong) when it cannot be read, is not JSON, an "agent" entry is malformed, or two
// entries are for one architecture.
expected<SpawnConfig, std::string> load_spawn_config(const std::string& path);

// Writes config (its document with the "agent" entries replaced by config.agents) to path: the folder is created 0700 (and
// its parent, like ~/.config, 0700 when missing), the file replaced atomically with mode 0600.
// An error (a sentence) when a step fails.
expected<void, std::string> save_spawn_config(const std::string& path, const SpawnConfig& config);

}  // namespace spawn::cli
