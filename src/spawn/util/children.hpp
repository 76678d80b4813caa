#pragma once
// Who reaps this process's children. By default each caller reaps its own child (waitpid on its
// pid), as spawn does. Once start_child_reaper has run (spored, a child subreaper), one thread
// reaps every child: it keeps the exit status of each child started with spawn_child for the
// caller that asks child_exit, and throws the others away - the orphans this process adopted as
// a subreaper, which nobody else knows of and which would otherwise stay zombies for as long as it
// lives. run_process and run_in_new_session start their children this way. Knows nothing of AWS.
#include <spawn.h>
#include <sys/types.h>

#include <optional>

namespace spawn::util {

// posix_spawnp, with the child registered for child_exit before anything can reap it: 0 and pid
// set, or posix_spawnp's error number (nothing registered).
int spawn_child(pid_t& pid, const char* file, const posix_spawn_file_actions_t* actions,
                const posix_spawnattr_t* attr, char* const argv[], char* const envp[]);

struct ChildExit {
  bool known = false;  // false: something outside this registry reaped it (only without the reaper)
  int status = 0;      // the wait status (WIFEXITED, WEXITSTATUS...), when known
};

// How pid (from spawn_child) ended, never blocking: nullopt while it runs. Once it has answered,
// pid is forgotten (ask once).
std::optional<ChildExit> child_exit(pid_t pid);

// Reaps the ended processes of process group pgid without blocking, keeping a registered one's
// status for child_exit: how a group's supervisor reaps the orphans it adopted when no reaper
// runs. With the reaper it does nothing (the reaper does it).
void reap_group(pid_t pgid);

// Starts the thread that reaps every child (once; later calls do nothing). From then on only that
// thread waits for children: code that starts children without spawn_child loses their status.
void start_child_reaper();

}  // namespace spawn::util
