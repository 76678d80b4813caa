#include "spawn/agent/event_store.hpp"

#include <cstdio>

#include "spawn/agent/log.hpp"
#include "spawn/util/encoding.hpp"
#include "spawn/util/files.hpp"

namespace spawn::agent {
namespace {

constexpr size_t k_history_limit = 20;

nlohmann::json empty_store() {
  return {{"version", 1}, {"latched", nlohmann::json::object()}, {"history", nlohmann::json::array()}};
}

bool valid_store(const nlohmann::json& doc) {
  return doc.is_object() && doc.contains("latched") && doc["latched"].is_object() && doc.contains("history") &&
         doc["history"].is_array();
}

}  // namespace

EventStore::EventStore(EventStore&& other) noexcept : m_path(std::move(other.m_path)), m_doc(std::move(other.m_doc)) {}

EventStore EventStore::open(std::string path, std::vector<std::string>& warnings) {
  auto text = util::read_file(path);
  if (!text) {
    warnings.push_back(text.error() + "; starting with no events latched");
    return EventStore(std::move(path), empty_store());
  }
  if (!*text) return EventStore(std::move(path), empty_store());
  auto doc = nlohmann::json::parse(**text, nullptr, false);
  if (valid_store(doc)) return EventStore(std::move(path), std::move(doc));
  // Keep the evidence: a person may want to know what was in it.
  std::string aside = path + ".corrupt-" + util::random_hex(4);
  if (std::rename(path.c_str(), aside.c_str()) == 0)
    warnings.push_back(path + " was not a valid event store; moved to " + aside + " and starting empty");
  else
    warnings.push_back(path + " was not a valid event store and could not be moved aside; starting empty");
  return EventStore(std::move(path), empty_store());
}

std::string EventStore::persist_locked() {
  auto written = util::write_file_atomically(m_path, m_doc.dump(1) + "\n", 0644);
  return written ? std::string() : written.error();
}

EventStore::LatchResult EventStore::latch(const Event& event, util::SystemTime seen_at) {
  std::lock_guard lock(m_mutex);
  const std::string key = latch_key(event);
  auto& latched = m_doc["latched"];
  if (latched.contains(key)) return {false, {}};
  latched[key] = {{"kind", std::string(to_string(event.kind))},
                  {"action", event.action},
                  {"time", event.time_text},
                  {"first_seen", format_time_ms(seen_at)}};
  return {true, persist_locked()};
}

bool EventStore::latched(const std::string& key) const {
  std::lock_guard lock(m_mutex);
  return m_doc["latched"].contains(key);
}

nlohmann::json EventStore::record_of(const std::string& key) const {
  std::lock_guard lock(m_mutex);
  const auto& latched = m_doc.at("latched");
  auto it = latched.find(key);
  return it == latched.end() || !it->is_object() ? nlohmann::json::object() : *it;
}

std::string EventStore::record(const std::string& key, const std::string& field, nlohmann::json value) {
  std::lock_guard lock(m_mutex);
  auto& latched = m_doc["latched"];
  if (!latched.contains(key)) return {};
  latched[key][field] = std::move(value);
  return persist_locked();
}

std::string EventStore::release(const std::string& key) {
  std::lock_guard lock(m_mutex);
  auto& latched = m_doc["latched"];
  if (!latched.contains(key)) return {};
  auto& history = m_doc["history"];
  history.push_back(latched[key]);
  while (history.size() > k_history_limit) history.erase(history.begin());
  latched.erase(key);
  return persist_locked();
}

nlohmann::json EventStore::snapshot() const {
  std::lock_guard lock(m_mutex);
  return {{"latched", m_doc["latched"]}, {"history", m_doc["history"]}};
}

}  // namespace spawn::agent
