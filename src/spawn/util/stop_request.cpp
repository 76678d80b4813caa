#include "spawn/util/stop_request.hpp"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>

namespace spawn::util {
namespace {

// A signal handler may touch only these: a lock-free flag and write(2).
std::atomic<bool> g_requested{false};
int g_pipe[2] = {-1, -1};
struct sigaction g_old_int, g_old_term;

void on_signal(int) {
  g_requested.store(true);
  if (g_pipe[1] >= 0) {
    const int saved = errno;
    const char byte = 1;
    [[maybe_unused]] auto n = ::write(g_pipe[1], &byte, 1);  // full pipe: already readable
    errno = saved;
  }
}

}  // namespace

StopRequest::StopRequest() {
  g_requested.store(false);
  if (::pipe2(g_pipe, O_CLOEXEC | O_NONBLOCK) != 0) g_pipe[0] = g_pipe[1] = -1;
  struct sigaction action {};
  action.sa_handler = on_signal;
  sigemptyset(&action.sa_mask);
  action.sa_flags = SA_RESTART;  // requests in flight carry on; the wait polls fd()
  ::sigaction(SIGINT, &action, &g_old_int);
  ::sigaction(SIGTERM, &action, &g_old_term);
}

StopRequest::~StopRequest() {
  ::sigaction(SIGINT, &g_old_int, nullptr);
  ::sigaction(SIGTERM, &g_old_term, nullptr);
  for (int& fd : g_pipe)
    if (fd >= 0) {
      ::close(fd);
      fd = -1;
    }
}

bool StopRequest::requested() const { return g_requested.load(); }

int StopRequest::fd() const { return g_pipe[0]; }

}  // namespace spawn::util
