// The daemon and the launch's spec: read on a worker, applied by the loop between polls.
#include "spawn/agent/daemon.hpp"

#include "spawn/model/job_array.hpp"

namespace spawn::agent {

// Read once spored knows its instance, then asked again every spec_refresh with the ETag of the
// copy read (S3 answers 304 when nothing changed): `spawn extend` moves the TTL in the spec.
void Daemon::maybe_read_spec() {
  if (m_config.spec.empty() || !m_spec_fetch || m_spec_reading.load()) return;
  if (m_parts.clocks.steady().time_since_epoch().count() < m_next_spec_read.load()) return;
  m_spec_reading = true;
  start_worker("spec_read", [this, url = m_config.spec, region = m_config.spec_region,
                             folder = m_config.state_dir + "/checkpoint", instance_id = m_instance->instance_id,
                             index = model::job_array_index(m_instance->tags, m_instance->ami_launch_index),
                             refresh = m_config.spec_refresh] {
    const bool applied = m_spec_applied.load();
    auto again_in = [&](std::chrono::seconds wait) {
      m_next_spec_read = (m_parts.clocks.steady() + wait).time_since_epoch().count();
    };
    auto failed = [&](const std::string& error, bool retry) {
      m_spec_backoff = std::min<std::chrono::seconds>(
          std::chrono::minutes(5), m_spec_backoff.count() == 0 ? m_parts.spec_retry : m_spec_backoff * 2);
      again_in(m_spec_backoff);
      m_log->log(retry ? Level::warning : Level::error, retry ? "spec_read_failed" : "spec_invalid",
                 {{"spec", url},
                  {"error", error},
                  {"retry_in_seconds", m_spec_backoff.count()},
                  {"consequence", applied ? "the settings read before hold"
                                          : "until it is read, only the config file's settings hold: no webhook, "
                                            "no secret checkpoint script"}});
      if (applied) return;
      std::lock_guard lock(m_spec_mutex);
      m_spec_status = {{"url", url}, {"state", retry ? "unreadable" : "invalid"}, {"error", error}};
    };
    auto object = m_spec_fetch(url, region, m_spec_etag);
    if (!object) {
      failed(object.error().describe(), true);
    } else if (object->not_modified) {
      m_spec_backoff = std::chrono::seconds(0);
      again_in(refresh);
    } else if (auto spec = read_launch_spec(object->body, folder, instance_id, index); !spec) {
      failed(spec.error(), false);
    } else {
      m_spec_backoff = std::chrono::seconds(0);
      m_spec_etag = object->etag;
      again_in(refresh);
      std::lock_guard lock(m_spec_mutex);
      m_spec_ready = std::move(*spec);
    }
    m_spec_reading = false;
  });
}

// On the loop's thread, between polls, with no handler at work: the handlers are replaced.
void Daemon::maybe_apply_spec() {
  if (m_busy.load() > 0 || m_store.latched("interruption")) return;
  std::optional<LaunchSpec> spec;
  {
    std::lock_guard lock(m_spec_mutex);
    spec.swap(m_spec_ready);
  }
  if (!spec) return;
  Sources sources = m_parts.sources;
  sources.spec = spec->settings;
  sources.spec_url = m_config.spec;
  auto config = resolve_config(sources);
  const bool first = !m_spec_applied.exchange(true);
  if (!config) {
    m_log->error("spec_invalid", {{"spec", m_config.spec}, {"error", config.error().message},
                                  {"consequence", first ? "the config file's settings hold" : "the settings read before hold"}});
    if (!first) return;
    std::lock_guard lock(m_spec_mutex);
    m_spec_status = {{"url", m_config.spec}, {"state", "invalid"}, {"error", config.error().message}};
    return;
  }
  const auto old_deadline = m_config.ttl_deadline;
  m_config = std::move(*config);
  arm();
  {
    std::lock_guard lock(m_spec_mutex);
    m_spec_status = {{"url", m_config.spec}, {"state", "read"}, {"launch_id", spec->launch_id}};
  }
  auto shown = [](const std::optional<util::SystemTime>& t) {
    return t ? nlohmann::json(util::format_rfc3339(*t)) : nlohmann::json(nullptr);
  };
  if (first)
    m_log->info("spec_read", {{"spec", m_config.spec}, {"launch_id", spec->launch_id},
                              {"monitors", watching()}, {"config", describe(m_config)}});
  else
    m_log->info("spec_changed", {{"spec", m_config.spec}, {"launch_id", spec->launch_id}, {"config", describe(m_config)}});
  if (m_config.ttl_deadline != old_deadline)
    m_log->info("ttl_changed", {{"from", shown(old_deadline)}, {"to", shown(m_config.ttl_deadline)},
                                {"source", first ? "the launch's spec" : "the launch's spec, changed (spawn extend)"}});
  write_status("watching");
}

}  // namespace spawn::agent
