#include "spawn/util/terminal_prompt.hpp"

#include <fcntl.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace spawn::util {
namespace {

// Closes the descriptor and puts the terminal's echo back, whatever way the prompt ends.
class TtyGuard {
 public:
  explicit TtyGuard(int fd) : m_fd(fd) {
    if (::tcgetattr(m_fd, &m_saved) == 0) {
      termios quiet = m_saved;
      quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
      m_restore = ::tcsetattr(m_fd, TCSAFLUSH, &quiet) == 0;
    }
  }
  ~TtyGuard() {
    if (m_restore) ::tcsetattr(m_fd, TCSAFLUSH, &m_saved);
    ::close(m_fd);
  }
  TtyGuard(const TtyGuard&) = delete;
  TtyGuard& operator=(const TtyGuard&) = delete;

 private:
  int m_fd;
  termios m_saved{};
  bool m_restore = false;
};

bool write_all(int fd, std::string_view text) {
  while (!text.empty()) {
    ssize_t n = ::write(fd, text.data(), text.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    text.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

}  // namespace

expected<std::string, std::string> prompt_terminal(std::string_view prompt) {
  int fd = ::open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENXIO || errno == ENOENT || errno == ENODEV)
      return unexpected(std::string("there is no terminal to ask on"));
    return unexpected("cannot open the terminal (/dev/tty): " + std::string(std::strerror(errno)));
  }
  std::string line;
  {
    TtyGuard guard(fd);
    if (!write_all(fd, prompt)) return unexpected(std::string("cannot write to the terminal (/dev/tty)"));
    char c = 0;
    while (true) {
      ssize_t n = ::read(fd, &c, 1);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) return unexpected("cannot read the terminal (/dev/tty): " + std::string(std::strerror(errno)));
      if (n == 0) {
        if (line.empty()) return unexpected(std::string("the terminal closed before an answer was typed"));
        break;
      }
      if (c == '\n') break;
      if (line.size() < 4096) line += c;
    }
    write_all(fd, "\n");
  }
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return line;
}

}  // namespace spawn::util
