#pragma once
// TCP for the socket transport: every POSIX call of SocketTransport lives in socket_tcp.cpp.
// All waits are bounded by a deadline (non-blocking sockets + poll); errors are the transport's
// "NetworkError" / "RequestTimeout" with http_status 0.
#include <chrono>
#include <cstddef>
#include <string>
#include <string_view>

#include "spawn/aws/error.hpp"

namespace spawn::aws::http::tcp {

using Deadline = std::chrono::steady_clock::time_point;

// Milliseconds left before the deadline, rounded up so a wait never ends early; 0 once it passed.
int remaining_ms(Deadline deadline);

// An owned socket descriptor, closed on destruction.
class Socket {
 public:
  Socket() = default;
  explicit Socket(int fd) : m_fd(fd) {}
  ~Socket();
  Socket(Socket&& other) noexcept;
  Socket& operator=(Socket&& other) noexcept;
  Socket(const Socket&) = delete;
  Socket& operator=(const Socket&) = delete;

  int fd() const { return m_fd; }
  bool valid() const { return m_fd >= 0; }

 private:
  int m_fd = -1;
};

// Resolves host (socket_resolve.hpp: IP literals without a lookup, names without NSS) and connects
// to the first address that answers; resolving and connecting share the deadline. The socket is
// non-blocking, close-on-exec, TCP_NODELAY.
// Errors: NetworkError (resolution, refused, unreachable), RequestTimeout (deadline passed).
Result<Socket> connect(const std::string& host, int port, Deadline deadline);

// Sends all of data (MSG_NOSIGNAL: a closed peer is an error, never SIGPIPE).
Result<void> write_all(const Socket& socket, std::string_view data, Deadline deadline);

// Waits for data and reads up to size bytes; 0 means the peer closed the connection.
Result<std::size_t> read_some(const Socket& socket, char* buffer, std::size_t size, Deadline deadline);

// For an idle kept-alive connection: true when it can still carry a request (the peer has not
// closed it and sent nothing unasked).
bool idle_usable(const Socket& socket);

}  // namespace spawn::aws::http::tcp
