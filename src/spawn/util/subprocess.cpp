#include "spawn/util/subprocess.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <thread>

#include "spawn/util/children.hpp"

extern char** environ;

namespace spawn::util {
namespace {

using Clock = std::chrono::steady_clock;

// Closes a descriptor once, on scope exit or on demand.
class Fd {
 public:
  Fd() = default;
  explicit Fd(int fd) : m_fd(fd) {}
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd() { reset(); }
  int get() const { return m_fd; }
  void reset() {
    if (m_fd >= 0) ::close(m_fd);
    m_fd = -1;
  }

 private:
  int m_fd = -1;
};

// Owns what posix_spawn needs and frees it whatever happens.
struct SpawnSetup {
  posix_spawn_file_actions_t actions;
  posix_spawnattr_t attr;
  SpawnSetup() {
    posix_spawn_file_actions_init(&actions);
    posix_spawnattr_init(&attr);
  }
  ~SpawnSetup() {
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attr);
  }
};

std::string errno_text(int err) { return std::strerror(err); }

// Waits for pid (from spawn_child) without blocking past the deadline: true with its status
// once it has ended, false when the deadline passed first. (Reaped by something else, when
// SIGCHLD is ignored, counts as ended with status 0.)
bool wait_until(pid_t pid, Clock::time_point deadline, int& status) {
  for (;;) {
    if (auto ended = child_exit(pid)) {
      status = ended->known ? ended->status : 0;
      return true;
    }
    if (Clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

void kill_and_reap(pid_t pid) {
  ::kill(pid, SIGKILL);
  while (!child_exit(pid)) std::this_thread::sleep_for(std::chrono::milliseconds(5));
}

}  // namespace

// Why posix_spawn and two pipes with O_CLOEXEC: spawning is safe in a threaded program, and
// no other child started concurrently inherits our pipe ends (which would keep them open and
// hide the end of output). The child gets default signal dispositions and an empty mask, so a
// parent that ignores SIGPIPE does not pass that on. Both pipes are drained with poll() so a
// chatty stderr cannot block the child while we wait on stdout.
expected<RunResult, std::string> run_process(const std::vector<std::string>& argv, const RunOptions& options) {
  if (argv.empty() || argv[0].empty()) return unexpected(std::string("no program to run"));
  const std::string& name = argv[0];
  const auto deadline = Clock::now() + options.timeout;

  int out_pipe[2], err_pipe[2];
  if (::pipe2(out_pipe, O_CLOEXEC) != 0) return unexpected("cannot run " + name + ": pipe: " + errno_text(errno));
  Fd out_read(out_pipe[0]), out_write(out_pipe[1]);
  if (::pipe2(err_pipe, O_CLOEXEC) != 0) return unexpected("cannot run " + name + ": pipe: " + errno_text(errno));
  Fd err_read(err_pipe[0]), err_write(err_pipe[1]);

  SpawnSetup setup;
  posix_spawn_file_actions_adddup2(&setup.actions, out_write.get(), STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(&setup.actions, err_write.get(), STDERR_FILENO);
  if (options.child_stdin == ChildStdin::null)
    posix_spawn_file_actions_addopen(&setup.actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  sigset_t all, none;
  sigfillset(&all);
  sigemptyset(&none);
  posix_spawnattr_setsigdefault(&setup.attr, &all);
  posix_spawnattr_setsigmask(&setup.attr, &none);
  posix_spawnattr_setflags(&setup.attr, POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK);

  std::vector<char*> cargv;
  cargv.reserve(argv.size() + 1);
  for (const auto& a : argv) cargv.push_back(const_cast<char*>(a.c_str()));
  cargv.push_back(nullptr);

  pid_t pid = 0;
  int rc = spawn_child(pid, name.c_str(), &setup.actions, &setup.attr, cargv.data(), environ);
  if (rc != 0) return unexpected("cannot run " + name + ": " + errno_text(rc));
  out_write.reset();
  err_write.reset();

  RunResult result;
  Fd* fds[2] = {&out_read, &err_read};
  std::string* sinks[2] = {&result.out, &result.err};
  char buffer[8192];
  while (out_read.get() >= 0 || err_read.get() >= 0) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    if (left <= 0) {
      kill_and_reap(pid);
      return unexpected(name + " did not finish within " + std::to_string(options.timeout.count()) + " ms (killed)");
    }
    pollfd pfds[2];
    for (int i = 0; i < 2; ++i) pfds[i] = pollfd{fds[i]->get(), POLLIN, 0};
    int n = ::poll(pfds, 2, static_cast<int>(std::min<long long>(left, 1000)));
    if (n < 0 && errno != EINTR) {
      int err = errno;
      kill_and_reap(pid);
      return unexpected("cannot read the output of " + name + ": " + errno_text(err));
    }
    for (int i = 0; i < 2 && n > 0; ++i) {
      if (pfds[i].fd < 0 || pfds[i].revents == 0) continue;
      ssize_t got = ::read(pfds[i].fd, buffer, sizeof buffer);
      if (got < 0 && (errno == EINTR || errno == EAGAIN)) continue;
      if (got <= 0) {
        fds[i]->reset();
        continue;
      }
      sinks[i]->append(buffer, static_cast<size_t>(got));
      if (sinks[i]->size() > options.max_output) {
        kill_and_reap(pid);
        return unexpected(name + " wrote more than " + std::to_string(options.max_output) + " bytes (killed)");
      }
    }
  }

  int status = 0;
  if (!wait_until(pid, deadline, status)) {
    kill_and_reap(pid);
    return unexpected(name + " did not finish within " + std::to_string(options.timeout.count()) + " ms (killed)");
  }
  if (WIFEXITED(status)) result.exit_code = WEXITSTATUS(status);
  if (WIFSIGNALED(status)) result.signal = WTERMSIG(status);
  return result;
}

}  // namespace spawn::util
