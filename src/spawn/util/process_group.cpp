#include "spawn/util/process_group.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <optional>
#include <utility>

#include "spawn/util/children.hpp"

extern char** environ;

namespace spawn::util {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

constexpr milliseconds k_tick{20};
// After SIGKILL, how long to wait for zombies that only init can reap.
constexpr milliseconds k_zombie_patience{1000};

std::string errno_text(int err) { return std::strerror(err); }

bool group_exists(pid_t pgid) { return ::kill(-pgid, 0) == 0 || errno == EPERM; }

// Splits what arrives into lines and hands them over: the head at once, and once the head is
// full only a rolling window of the last bytes, cut into lines at the end. The window is kept
// at most twice its size, so a writer of gigabytes costs a memmove per max_output bytes.
class LineSink {
 public:
  explicit LineSink(const GroupRunOptions& options) : m_options(options) {}

  void add(const char* data, size_t n) {
    size_t i = 0;
    for (; i < n && !m_head_full; ++i) {
      ++m_head_bytes;
      if (data[i] == '\n') {
        emit_head();
        continue;
      }
      m_line.push_back(data[i]);
      if (m_line.size() >= m_options.max_line) emit_head();
    }
    if (i == n) return;
    m_tail.append(data + i, n - i);
    if (m_tail.size() > 2 * m_options.max_output) cut_tail(m_tail.size() - m_options.max_output);
  }

  void finish() {
    if (!m_head_full) {
      if (!m_line.empty()) emit(m_line);
      return;
    }
    if (m_tail.size() > m_options.max_output) cut_tail(m_tail.size() - m_options.max_output);
    if (m_dropped > 0) {
      // The window starts inside a line: drop that piece, unless it is all there is.
      auto nl = m_tail.find('\n');
      if (nl != std::string::npos && nl + 1 < m_tail.size()) cut_tail(nl + 1);
    }
    // (offset, length) of each line, pieces of max_line at most.
    std::vector<std::pair<size_t, size_t>> lines;
    for (size_t at = 0; at < m_tail.size();) {
      size_t nl = m_tail.find('\n', at);
      size_t end = nl == std::string::npos ? m_tail.size() : nl;
      size_t length = std::min(end - at, m_options.max_line);
      lines.emplace_back(at, length);
      at += length;
      if (at == end && nl != std::string::npos) ++at;
    }
    size_t first = lines.size() > m_options.max_lines ? lines.size() - m_options.max_lines : 0;
    if (first > 0) m_dropped += lines[first].first;
    if (m_dropped > 0 && m_options.on_truncated) m_options.on_truncated(m_dropped);
    for (size_t k = first; k < lines.size(); ++k)
      emit(std::string_view(m_tail).substr(lines[k].first, lines[k].second));
  }
  size_t dropped() const { return m_dropped; }

 private:
  void emit(std::string_view line) {
    if (m_options.on_output) m_options.on_output(line);
  }
  void emit_head() {
    emit(m_line);
    m_line.clear();
    if (++m_head_lines >= m_options.max_lines || m_head_bytes >= m_options.max_output) m_head_full = true;
  }
  void cut_tail(size_t n) {
    m_tail.erase(0, n);
    m_dropped += n;
  }

  const GroupRunOptions& m_options;
  std::string m_line;
  size_t m_head_bytes = 0;
  size_t m_head_lines = 0;
  bool m_head_full = false;
  std::string m_tail;
  size_t m_dropped = 0;
};

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

}  // namespace

// Why the loop is shaped this way: three things end independently - the first process (we get
// its status from child_exit), the rest of its group (only kill(-pgid, 0) can tell, and orphans
// are reaped by us only as a subreaper: by reap_group, or by the reaper thread), and the pipe (which a process outside the group could
// hold open forever). The loop never blocks on any one of them for more than a tick, so the
// deadline and the SIGKILL are always on time, and it ends when the group is gone, whatever
// the pipe says.
expected<GroupRunResult, std::string> run_in_new_session(const std::vector<std::string>& argv,
                                                         const GroupRunOptions& options) {
  if (argv.empty() || argv[0].empty()) return unexpected(std::string("no program to run"));
  const std::string& name = argv[0];

  int pipe_fds[2];
  if (::pipe2(pipe_fds, O_CLOEXEC) != 0) return unexpected("cannot run " + name + ": pipe: " + errno_text(errno));
  int read_fd = pipe_fds[0];
  int write_fd = pipe_fds[1];

  SpawnSetup setup;
  posix_spawn_file_actions_addopen(&setup.actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&setup.actions, write_fd, STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(&setup.actions, write_fd, STDERR_FILENO);
  sigset_t all, none;
  sigfillset(&all);
  sigemptyset(&none);
  posix_spawnattr_setsigdefault(&setup.attr, &all);
  posix_spawnattr_setsigmask(&setup.attr, &none);
  posix_spawnattr_setflags(&setup.attr, POSIX_SPAWN_SETSID | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK);

  std::vector<char*> cargv;
  for (const auto& a : argv) cargv.push_back(const_cast<char*>(a.c_str()));
  cargv.push_back(nullptr);
  std::vector<char*> cenv;
  for (const auto& e : options.environment) cenv.push_back(const_cast<char*>(e.c_str()));
  cenv.push_back(nullptr);

  GroupRunResult result;
  result.started = Clock::now();
  pid_t pid = 0;
  int rc = spawn_child(pid, name.c_str(), &setup.actions, &setup.attr, cargv.data(), cenv.data());
  ::close(write_fd);
  if (rc != 0) {
    ::close(read_fd);
    return unexpected("cannot run " + name + ": " + errno_text(rc));
  }
  const pid_t pgid = pid;  // the session leader leads its process group too

  LineSink sink(options);
  bool leader_alive = true;
  bool pipe_open = true;
  std::optional<Clock::time_point> term_sent;
  std::optional<Clock::time_point> kill_sent;
  char buffer[8192];

  auto send_term = [&](Clock::time_point now) {
    if (term_sent) return;
    ::kill(-pgid, SIGTERM);
    term_sent = now;
  };

  for (;;) {
    const auto now = Clock::now();
    const auto deadline = options.deadline ? options.deadline() : Clock::time_point::max();
    if (leader_alive && now >= deadline && !term_sent) {
      result.timed_out = true;
      send_term(now);
    }
    if (term_sent && !kill_sent && now >= *term_sent + options.kill_grace) {
      ::kill(-pgid, SIGKILL);
      result.killed = true;
      kill_sent = now;
    }

    reap_group(pgid);
    if (leader_alive) {
      if (auto ended = child_exit(pid)) {
        leader_alive = false;
        if (ended->known && WIFEXITED(ended->status)) result.exit_code = WEXITSTATUS(ended->status);
        if (ended->known && WIFSIGNALED(ended->status)) result.signal = WTERMSIG(ended->status);
      }
    }

    if (!leader_alive) {
      if (!group_exists(pgid)) break;
      if (!term_sent) {
        result.leftovers = true;
        send_term(now);
      }
      if (kill_sent && now >= *kill_sent + k_zombie_patience) break;
    }

    // Sleep on the pipe until output arrives or the next thing is due.
    auto wait = k_tick;
    if (leader_alive && !term_sent && deadline > now)
      wait = std::min(wait, std::chrono::ceil<milliseconds>(deadline - now));
    if (pipe_open) {
      pollfd pfd{read_fd, POLLIN, 0};
      int n = ::poll(&pfd, 1, static_cast<int>(std::max<long long>(1, wait.count())));
      if (n > 0) {
        ssize_t got = ::read(read_fd, buffer, sizeof buffer);
        if (got > 0) sink.add(buffer, static_cast<size_t>(got));
        else if (got == 0 || (errno != EINTR && errno != EAGAIN)) pipe_open = false;
      }
    } else {
      ::poll(nullptr, 0, static_cast<int>(wait.count()));
    }
  }

  // What is still buffered in the pipe (the group is gone; nothing more will be written, unless
  // an escaped process holds it, so read without waiting).
  if (pipe_open) {
    ::fcntl(read_fd, F_SETFL, ::fcntl(read_fd, F_GETFL) | O_NONBLOCK);
    ssize_t got;
    while ((got = ::read(read_fd, buffer, sizeof buffer)) > 0) sink.add(buffer, static_cast<size_t>(got));
  }
  ::close(read_fd);
  sink.finish();
  result.dropped_output = sink.dropped();
  result.ended = Clock::now();
  return result;
}

expected<void, std::string> become_child_subreaper() {
  if (::prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0)
    return unexpected("cannot become a child subreaper: " + errno_text(errno));
  start_child_reaper();
  return {};
}

bool process_exists(pid_t pid) { return pid > 0 && (::kill(pid, 0) == 0 || errno == EPERM); }

std::vector<std::string> environment_with(const std::vector<std::pair<std::string, std::string>>& set) {
  std::vector<std::string> out;
  for (char** e = environ; e != nullptr && *e != nullptr; ++e) {
    std::string_view entry(*e);
    auto eq = entry.find('=');
    std::string_view key = entry.substr(0, eq);
    bool replaced = std::any_of(set.begin(), set.end(), [&](const auto& kv) { return kv.first == key; });
    if (!replaced) out.emplace_back(entry);
  }
  for (const auto& [k, v] : set) out.push_back(k + "=" + v);
  return out;
}

}  // namespace spawn::util
