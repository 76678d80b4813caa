#include "spawn/util/children.hpp"

#include <sys/wait.h>

#include <cerrno>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <mutex>
#include <thread>

namespace spawn::util {
namespace {

struct Registry {
  std::mutex mutex;
  std::condition_variable spawned;
  std::uint64_t spawns = 0;  // children started so far, for the reaper's wait when it has none
  bool reaper = false;
  // Children started with spawn_child that nobody asked about yet -> their wait status once reaped.
  std::map<pid_t, std::optional<int>> registered;
};

// Never destroyed: the reaper thread uses it until the process ends.
Registry& registry() {
  static Registry* r = new Registry;
  return *r;
}

// With the mutex held: a reaped child's status goes to its caller when it is registered.
void settle(Registry& r, pid_t pid, int status) {
  auto it = r.registered.find(pid);
  if (it != r.registered.end()) it->second = status;
}

// Why a blocking waitpid(-1) and a count of spawns: with no child at all (ECHILD) there is no
// descendant either (an orphan is adopted only from below a living child), so the next child is
// one spawn_child starts, and the thread sleeps until then instead of polling. A child that ends
// before spawn_child has registered it is settled after the registration, since spawn_child holds
// the mutex from before the spawn to the registration.
void reap_forever(Registry& r) {
  for (;;) {
    std::uint64_t seen;
    {
      std::lock_guard lock(r.mutex);
      seen = r.spawns;
    }
    int status = 0;
    pid_t pid = ::waitpid(-1, &status, 0);
    if (pid > 0) {
      std::lock_guard lock(r.mutex);
      settle(r, pid, status);
      continue;
    }
    if (errno == EINTR) continue;
    std::unique_lock lock(r.mutex);
    r.spawned.wait(lock, [&] { return r.spawns != seen; });
  }
}

}  // namespace

int spawn_child(pid_t& pid, const char* file, const posix_spawn_file_actions_t* actions,
                const posix_spawnattr_t* attr, char* const argv[], char* const envp[]) {
  auto& r = registry();
  std::lock_guard lock(r.mutex);
  int rc = ::posix_spawnp(&pid, file, actions, attr, argv, envp);
  if (rc != 0) return rc;
  r.registered[pid] = std::nullopt;
  ++r.spawns;
  r.spawned.notify_all();
  return 0;
}

std::optional<ChildExit> child_exit(pid_t pid) {
  auto& r = registry();
  std::lock_guard lock(r.mutex);
  auto it = r.registered.find(pid);
  if (it == r.registered.end()) return ChildExit{};  // not ours to know
  if (it->second) {
    ChildExit done{true, *it->second};
    r.registered.erase(it);
    return done;
  }
  if (r.reaper) return std::nullopt;  // the reaper settles it when it ends
  int status = 0;
  pid_t got = ::waitpid(pid, &status, WNOHANG);
  if (got == 0 || (got < 0 && errno == EINTR)) return std::nullopt;
  r.registered.erase(it);
  if (got == pid) return ChildExit{true, status};
  return ChildExit{};  // ECHILD: reaped elsewhere (SIGCHLD ignored, say)
}

void reap_group(pid_t pgid) {
  auto& r = registry();
  std::lock_guard lock(r.mutex);
  if (r.reaper) return;
  int status = 0;
  pid_t pid;
  while ((pid = ::waitpid(-pgid, &status, WNOHANG)) > 0) settle(r, pid, status);
}

void start_child_reaper() {
  auto& r = registry();
  std::lock_guard lock(r.mutex);
  if (r.reaper) return;
  r.reaper = true;
  std::thread([&r] { reap_forever(r); }).detach();
}

}  // namespace spawn::util
