#pragma once
// The checkpoint script on the instance. An absolute path is run where it is. An s3:// or
// https:// script is fetched when the agent starts (and refreshed while it runs, replaced only
// when its content changed) into <state dir>/checkpoint/checkpoint-script.<random>, in a folder
// only root may enter, through a private temporary file and a rename. During the two minutes of a notice it is fetched only if
// no copy is there at all: the network may be going away, and a half-fetched script must not run.
#include <functional>
#include <mutex>
#include <string>

#include <nlohmann/json.hpp>

#include "spawn/agent/aws_actions.hpp"
#include "spawn/aws/error.hpp"
#include "spawn/util/expected.hpp"

namespace spawn::agent {

inline constexpr std::size_t k_max_script_bytes = 1 << 20;

struct FetchedScript {
  bool not_modified = false;  // the ETag given still matches: nothing downloaded
  std::string body;
  std::string etag;
};

// Downloads source (s3://bucket/key or https://...), sending etag as If-None-Match when not empty.
using ScriptFetch = std::function<aws::Result<FetchedScript>(const std::string& source, const std::string& etag)>;

// s3:// through S3 GetObject (SigV4 with the context's credentials: the instance role) in
// s3_region (empty: the instance's; S3's region redirect is followed), https:// with the bounded
// transport (certificates checked). Anything else is an "InvalidConfig" error.
ScriptFetch make_remote_fetch(std::shared_ptr<AwsContext> aws, std::string s3_region = {});

class ScriptCache {
 public:
  // folder: <state dir>/checkpoint; source: the configured checkpoint_script (may be empty).
  ScriptCache(std::string folder, std::string source, ScriptFetch fetch);

  bool configured() const { return !m_source.empty(); }
  bool remote() const;

  struct Refreshed {
    std::string what;    // "fetched" (first copy), "updated" (content changed), "unchanged", "local"
    std::string sha256;  // of the copy now in the cache (empty for a local script)
    std::size_t bytes = 0;
  };
  // Downloads the script and replaces the cached copy if the content differs. An error (a
  // sentence) when the download or the write fails; the previous copy stays usable then.
  expected<Refreshed, std::string> refresh();

  // The file to run with bash: the local script, or the cached copy of a remote one (downloaded
  // first only when there is no copy). An error (a sentence) when there is nothing to run.
  expected<std::string, std::string> path_for_run();

  // {"source", "cached", "sha256", "fetched_at"} for `spored status`. Never waits for a download.
  nlohmann::json describe() const;

  // The cached copy of the remote script, as the record names it (empty: no copy). Its name ends
  // in 16 random hex digits, new at each change: no one can guess the path before it exists.
  std::string cached_script_path() const { return cached_path(read_meta()); }

 private:
  std::string cached_path(const nlohmann::json& meta) const;
  std::string meta_path() const { return m_folder + "/checkpoint-script.json"; }
  nlohmann::json read_meta() const;
  // Whether the record (checkpoint-script.json) is of the configured source.
  bool is_this_source(const nlohmann::json& meta) const;
  expected<Refreshed, std::string> refresh_locked();

  std::string m_folder;
  std::string m_source;
  ScriptFetch m_fetch;
  mutable std::mutex m_mutex;
};

}  // namespace spawn::agent
