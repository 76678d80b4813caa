#include "spawn/agent/script_cache.hpp"

#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include <string_view>

#include "spawn/agent/log.hpp"
#include "spawn/agent/s3_fetch.hpp"
#include "spawn/aws/auth/sigv4.hpp"
#include "spawn/aws/s3/client.hpp"
#include "spawn/util/encoding.hpp"
#include "spawn/util/files.hpp"

namespace spawn::agent {
namespace {

constexpr std::string_view k_script_prefix = "checkpoint-script.";

bool is_copy_name(std::string_view name) {
  return name.size() == k_script_prefix.size() + 16 && name.starts_with(k_script_prefix) &&
         name.find_first_not_of("0123456789abcdef", k_script_prefix.size()) == std::string_view::npos;
}

// Removes the copies a change replaced (and the fixed-name copy of spored 0.1.0), keeping `keep`.
void remove_other_copies(const std::string& folder, const std::string& keep) {
  DIR* dir = ::opendir(folder.c_str());
  if (dir == nullptr) return;
  while (const dirent* entry = ::readdir(dir)) {
    const std::string_view name = entry->d_name;
    if (name != keep && (is_copy_name(name) || name == "checkpoint-script"))
      ::unlink((folder + "/" + std::string(name)).c_str());
  }
  ::closedir(dir);
}

bool is_remote(const std::string& source) { return source.starts_with("s3://") || source.starts_with("https://"); }

std::string shown(const std::string& source) {
  return source.starts_with("https://") ? loggable_url(source) : source;
}

aws::Result<FetchedScript> fetch_https(aws::http::Transport& transport, const std::string& url,
                                       const std::string& etag) {
  aws::http::Request request;
  request.method = "GET";
  request.url = url;
  if (!etag.empty()) request.headers.emplace_back("If-None-Match", etag);
  // Framing::required (the default) as well: a script cut short by a closed connection would run.
  request.max_body = k_max_script_bytes;
  auto reply = transport.send(request);
  if (!reply) {
    aws::Error e = reply.error();
    e.message = "cannot download " + loggable_url(url) + " (" + e.code + ")";
    return unexpected(e);
  }
  if (reply->status == 304) return FetchedScript{true, {}, etag};
  if (reply->status != 200)
    return unexpected(aws::Error{reply->status, "HttpError",
                                 loggable_url(url) + " answered " + std::to_string(reply->status), {}});
  return FetchedScript{false, std::move(reply->body), reply->header("ETag")};
}

}  // namespace

ScriptFetch make_remote_fetch(std::shared_ptr<AwsContext> aws, std::string s3_region) {
  return [aws, s3_region](const std::string& source, const std::string& etag) -> aws::Result<FetchedScript> {
    if (source.starts_with("https://")) return fetch_https(*aws->bounded_transport(), source, etag);
    if (!source.starts_with("s3://")) return unexpected(aws::local_error("InvalidConfig", "not a script URL: " + shown(source)));
    auto object = get_s3_object(*aws, source, s3_region, etag, k_max_script_bytes);
    if (!object) return unexpected(object.error());
    return FetchedScript{object->not_modified, std::move(object->body), object->etag};
  };
}

ScriptCache::ScriptCache(std::string folder, std::string source, ScriptFetch fetch)
    : m_folder(std::move(folder)), m_source(std::move(source)), m_fetch(std::move(fetch)) {}

bool ScriptCache::remote() const { return is_remote(m_source); }

// The record names its source by hash (and shows it as logged): a URL's path and query may be a
// secret (presigned signatures, tokens), and the record is no place for one.
bool ScriptCache::is_this_source(const nlohmann::json& meta) const {
  return meta.value("source_sha256", "") == aws::auth::sha256_hex(m_source);
}

std::string ScriptCache::cached_path(const nlohmann::json& meta) const {
  const std::string file = meta.value("file", "");
  // Only a name of ours, in our folder: the record is ours too, but a path is never taken on trust.
  return is_copy_name(file) ? m_folder + "/" + file : std::string();
}

nlohmann::json ScriptCache::read_meta() const {
  auto text = util::read_file(meta_path());
  if (!text || !*text) return nlohmann::json::object();
  auto doc = nlohmann::json::parse(**text, nullptr, false);
  return doc.is_object() ? doc : nlohmann::json::object();
}

expected<ScriptCache::Refreshed, std::string> ScriptCache::refresh() {
  std::lock_guard lock(m_mutex);
  return refresh_locked();
}

// Why the ETag and the hash both: the ETag saves the download when nothing changed (S3 and most
// web servers honour If-None-Match), the hash decides whether a download is a change, so a server
// without ETags does not make us rewrite the script every time.
expected<ScriptCache::Refreshed, std::string> ScriptCache::refresh_locked() {
  if (!configured()) return unexpected(std::string("no checkpoint script configured"));
  if (!remote()) return Refreshed{"local", {}, 0};
  if (auto made = util::ensure_private_dir(m_folder); !made) return unexpected(made.error());

  nlohmann::json meta = read_meta();
  const std::string old_path = is_this_source(meta) ? cached_path(meta) : std::string();
  const bool have_copy = !old_path.empty() && util::read_file(old_path).value_or(std::nullopt);
  std::string etag = have_copy ? meta.value("etag", "") : "";
  auto fetched = m_fetch(m_source, etag);
  if (!fetched) return unexpected("cannot fetch the checkpoint script " + shown(m_source) + ": " + fetched.error().describe());
  if (fetched->not_modified) return Refreshed{"unchanged", meta.value("sha256", ""), 0};
  if (fetched->body.size() > k_max_script_bytes)
    return unexpected("the checkpoint script " + shown(m_source) + " is larger than 1 MiB");

  std::string sha = aws::auth::sha256_hex(fetched->body);
  if (have_copy && meta.value("sha256", "") == sha) {
    if (meta.value("etag", "") != fetched->etag) {
      meta["etag"] = fetched->etag;
      (void)util::write_file_atomically(meta_path(), meta.dump(1) + "\n", 0600);
    }
    return Refreshed{"unchanged", sha, fetched->body.size()};
  }
  const std::string file = std::string(k_script_prefix) + util::random_hex(8);
  if (auto written = util::write_file_atomically(m_folder + "/" + file, fetched->body, 0700); !written)
    return unexpected(written.error());
  nlohmann::json fresh = {{"source", shown(m_source)},
                          {"file", file},
                          {"source_sha256", aws::auth::sha256_hex(m_source)},
                          {"sha256", sha},
                          {"etag", fetched->etag},
                          {"bytes", fetched->body.size()},
                          {"fetched_at", format_time_ms(std::chrono::system_clock::now())}};
  if (auto written = util::write_file_atomically(meta_path(), fresh.dump(1) + "\n", 0600); !written) {
    ::unlink((m_folder + "/" + file).c_str());
    return unexpected(written.error());
  }
  remove_other_copies(m_folder, file);
  return Refreshed{have_copy ? "updated" : "fetched", sha, fetched->body.size()};
}

expected<std::string, std::string> ScriptCache::path_for_run() {
  if (!configured()) return unexpected(std::string("no checkpoint script configured"));
  if (!remote()) {
    struct stat st {};
    if (::stat(m_source.c_str(), &st) != 0 || !S_ISREG(st.st_mode))
      return unexpected("the checkpoint script " + m_source + " does not exist");
    return m_source;
  }
  std::lock_guard lock(m_mutex);
  nlohmann::json meta = read_meta();
  struct stat st {};
  if (std::string path = is_this_source(meta) ? cached_path(meta) : ""; !path.empty() && ::stat(path.c_str(), &st) == 0)
    return path;
  auto fetched = refresh_locked();
  if (!fetched) return unexpected(fetched.error());
  if (std::string path = cached_path(read_meta()); !path.empty()) return path;
  return unexpected(std::string("the checkpoint script was fetched but its copy is gone"));
}

nlohmann::json ScriptCache::describe() const {
  if (!configured()) return nullptr;
  if (!remote()) return {{"source", m_source}, {"local", true}};
  // No lock: the loop calls this, and must not wait for a download in progress; the files are
  // only ever replaced whole (rename), so reading them is safe.
  nlohmann::json meta = read_meta();
  const std::string path = is_this_source(meta) ? cached_path(meta) : std::string();
  const bool cached = !path.empty();
  return {{"source", shown(m_source)},
          {"cached", cached ? nlohmann::json(path) : nlohmann::json(nullptr)},
          {"sha256", cached ? meta.value("sha256", "") : ""},
          {"fetched_at", cached ? meta.value("fetched_at", "") : ""}};
}

}  // namespace spawn::agent
