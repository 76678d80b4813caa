#include "spawn/aws/http/socket_tcp.hpp"

#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

#include "spawn/aws/http/socket_resolve.hpp"

namespace spawn::aws::http::tcp {
namespace {

using std::chrono::milliseconds;

std::string endpoint_name(const std::string& host, int port) {
  return (host.find(':') != std::string::npos ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

// poll() for one event until the deadline: true when ready, false on timeout.
Result<bool> wait_for(int fd, short events, Deadline deadline) {
  for (;;) {
    pollfd p{fd, events, 0};
    int n = ::poll(&p, 1, remaining_ms(deadline));
    if (n > 0) return true;  // POLLERR/POLLHUP too: the next call reports the reason
    if (n == 0) return false;
    if (errno != EINTR) return unexpected(local_error("NetworkError", std::string("poll: ") + std::strerror(errno)));
  }
}

// One non-blocking connect: Socket when connected, an error otherwise.
Result<Socket> connect_one(const Address& a, const std::string& name, Deadline deadline) {
  Socket s(::socket(a.family(), SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_TCP));
  if (!s.valid()) return unexpected(local_error("NetworkError", std::string("socket: ") + std::strerror(errno)));
  int one = 1;
  ::setsockopt(s.fd(), IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  int rc;
  do {
    rc = ::connect(s.fd(), a.get(), a.length);
  } while (rc != 0 && errno == EINTR);
  if (rc != 0 && errno != EINPROGRESS)
    return unexpected(local_error("NetworkError", "connect to " + name + ": " + std::strerror(errno)));
  if (rc != 0) {
    auto ready = wait_for(s.fd(), POLLOUT, deadline);
    if (!ready) return unexpected(ready.error());
    if (!*ready) return unexpected(local_error("RequestTimeout", "connect to " + name + " timed out"));
    int err = 0;
    socklen_t len = sizeof err;
    if (::getsockopt(s.fd(), SOL_SOCKET, SO_ERROR, &err, &len) != 0) err = errno;
    if (err != 0) return unexpected(local_error("NetworkError", "connect to " + name + ": " + std::strerror(err)));
  }
  return s;
}

}  // namespace

int remaining_ms(Deadline deadline) {
  auto left = deadline - std::chrono::steady_clock::now();
  if (left <= std::chrono::steady_clock::duration::zero()) return 0;
  auto ms = std::chrono::ceil<milliseconds>(left).count();
  return ms > 1'000'000'000 ? 1'000'000'000 : static_cast<int>(ms);
}

Socket::~Socket() {
  if (m_fd >= 0) ::close(m_fd);
}

Socket::Socket(Socket&& other) noexcept : m_fd(other.m_fd) { other.m_fd = -1; }

Socket& Socket::operator=(Socket&& other) noexcept {
  if (this != &other) {
    if (m_fd >= 0) ::close(m_fd);
    m_fd = other.m_fd;
    other.m_fd = -1;
  }
  return *this;
}

Result<Socket> connect(const std::string& host, int port, Deadline deadline) {
  auto resolved = resolve(host, port, deadline);
  if (!resolved) return unexpected(resolved.error());
  const std::vector<Address>& list = *resolved;

  const std::string name = endpoint_name(host, port);
  Error last = local_error("NetworkError", "no address for " + host);
  for (size_t i = 0; i < list.size(); ++i) {
    // Each remaining address gets an equal share of the time left, so one address that drops
    // packets cannot use up the whole connect timeout; the last one gets all that is left.
    auto now = std::chrono::steady_clock::now();
    if (now >= deadline) return unexpected(local_error("RequestTimeout", "connect to " + name + " timed out"));
    Deadline share = now + (deadline - now) / static_cast<long>(list.size() - i);
    auto s = connect_one(list[i], name, share);
    if (s) return s;
    last = s.error();
  }
  return unexpected(last);
}

Result<void> write_all(const Socket& socket, std::string_view data, Deadline deadline) {
  while (!data.empty()) {
    ssize_t n = ::send(socket.fd(), data.data(), data.size(), MSG_NOSIGNAL);
    if (n > 0) {
      data.remove_prefix(static_cast<size_t>(n));
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      auto ready = wait_for(socket.fd(), POLLOUT, deadline);
      if (!ready) return unexpected(ready.error());
      if (!*ready) return unexpected(local_error("RequestTimeout", "sending the request timed out"));
      continue;
    }
    return unexpected(local_error("NetworkError", std::string("send: ") + std::strerror(errno)));
  }
  return {};
}

Result<std::size_t> read_some(const Socket& socket, char* buffer, std::size_t size, Deadline deadline) {
  for (;;) {
    ssize_t n = ::recv(socket.fd(), buffer, size, 0);
    if (n >= 0) return static_cast<std::size_t>(n);
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) {
      auto ready = wait_for(socket.fd(), POLLIN, deadline);
      if (!ready) return unexpected(ready.error());
      if (!*ready) return unexpected(local_error("RequestTimeout", "no reply before the timeout"));
      continue;
    }
    return unexpected(local_error("NetworkError", std::string("recv: ") + std::strerror(errno)));
  }
}

bool idle_usable(const Socket& socket) {
  if (!socket.valid()) return false;
  pollfd p{socket.fd(), POLLIN, 0};
  int n = ::poll(&p, 1, 0);
  // Readable while idle means either EOF (the server closed it) or bytes nobody asked for:
  // both make the connection unusable for the next request.
  return n == 0;
}

}  // namespace spawn::aws::http::tcp
