#include "spawn/agent/completion.hpp"

#include <signal.h>

#include <cerrno>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "spawn/agent/daemon.hpp"
#include "spawn/util/files.hpp"

namespace spawn::agent {
namespace {

// Whether status.json names a process that is alive (the daemon writes its pid there).
bool daemon_alive(const std::string& state_dir) {
  auto text = util::read_file(state_dir + "/status.json");
  if (!text || !*text) return false;
  auto doc = nlohmann::json::parse(**text, nullptr, false);
  if (!doc.is_object() || !doc.contains("pid") || !doc["pid"].is_number_integer()) return false;
  if (doc.value("state", "") == "stopped") return false;
  const long pid = doc["pid"].get<long>();
  return pid > 0 && (::kill(static_cast<pid_t>(pid), 0) == 0 || errno == EPERM);
}

}  // namespace

expected<CompletionRequest, std::string> request_completion(const std::string& state_dir, int status,
                                                            util::SystemTime now) {
  const std::string path = state_dir + "/" + k_completion_file;
  auto existing = util::read_file(path);
  if (!existing) return unexpected(existing.error());
  CompletionRequest out;
  out.daemon_running = daemon_alive(state_dir);
  if (*existing) {
    out.message = "spored: the job was marked complete before; the first status stands\n";
    return out;
  }
  const nlohmann::json doc = {{"status", status}, {"at", util::format_rfc3339(now)}};
  if (auto written = util::write_file_atomically(path, doc.dump() + "\n", 0644); !written)
    return unexpected(fmt::format("cannot record the completion in {} ({}): run it as root", state_dir, written.error()));
  out.message = out.daemon_running
                    ? fmt::format("spored: completion recorded (status {}); the agent notifies and ends this instance "
                                  "within a second\n", status)
                    : fmt::format("spored: completion recorded (status {}); the agent is not running, and acts on it "
                                  "when it starts\n", status);
  return out;
}

}  // namespace spawn::agent
