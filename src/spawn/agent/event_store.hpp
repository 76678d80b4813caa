#pragma once
// Exactly-once handling: the first observation of an event latches it, and the latch is on disk
// (written atomically) before the handler runs, so a jittering notice time, a second poll or an
// agent restart finds it latched and never runs the handler again.
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "spawn/agent/event.hpp"
#include "spawn/util/time.hpp"

namespace spawn::agent {

class EventStore {
 public:
  // The store kept in path (normally <state dir>/events.json). A missing file is an empty store.
  // A file that cannot be read as a store is moved aside to path.corrupt-<random> and the store
  // starts empty; problems are added to warnings (one sentence each) rather than stopping the agent.
  static EventStore open(std::string path, std::vector<std::string>& warnings);

  struct LatchResult {
    bool first = false;         // this call latched it: run the handler
    std::string persist_error;  // not empty when the latch could not be written (it still holds in memory)
  };

  // Latches the event under latch_key(event) unless it is latched already. seen_at is recorded.
  // Thread-safe.
  LatchResult latch(const Event& event, util::SystemTime seen_at);

  // Whether key is latched.
  bool latched(const std::string& key) const;

  // The record of key ({} when it is not latched). Thread-safe.
  nlohmann::json record_of(const std::string& key) const;

  // Adds field = value to the record of key (what the handler did: checkpoint status, ...), and
  // persists it. An error message, or "" on success. Does nothing for a key not latched.
  std::string record(const std::string& key, const std::string& field, nlohmann::json value);

  // Re-arms key (the notice went away for good: the instance was stopped and started again):
  // its record moves to the history, and the next observation latches afresh.
  std::string release(const std::string& key);

  // {"latched": {key: record}, "history": [record...]} for `spored status`.
  nlohmann::json snapshot() const;

  const std::string& path() const { return m_path; }

  EventStore(EventStore&& other) noexcept;

 private:
  EventStore(std::string path, nlohmann::json doc) : m_path(std::move(path)), m_doc(std::move(doc)) {}
  std::string persist_locked();

  std::string m_path;
  mutable std::mutex m_mutex;
  nlohmann::json m_doc;
};

}  // namespace spawn::agent
