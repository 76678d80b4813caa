#pragma once
// A loopback HTTP server run by a test itself, which answers each request with bytes the test
// chooses (so framing, keep-alive, stalls and closes are exact): for the transports' tests
// (socket_transport_test, curl_transport_test).
//
//   LoopbackServer server(reply_with("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"));
//   transport.send(get(server.url("/path")));
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <atomic>
#include <cctype>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace spawn::test {

// What the handler gets: one request as received. It writes the reply to fd itself and says
// whether the connection stays open for another request.
using Handler = std::function<bool(int fd, const std::string& request)>;

inline void write_text(int fd, std::string_view s) {
  while (!s.empty()) {
    ssize_t n = ::send(fd, s.data(), s.size(), MSG_NOSIGNAL);
    if (n <= 0) return;
    s.remove_prefix(static_cast<size_t>(n));
  }
}

class LoopbackServer {
 public:
  explicit LoopbackServer(Handler handler) : m_handler(std::move(handler)) {
    m_listen = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    EXPECT_EQ(::bind(m_listen, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
    EXPECT_EQ(::listen(m_listen, 16), 0);
    socklen_t len = sizeof a;
    ::getsockname(m_listen, reinterpret_cast<sockaddr*>(&a), &len);
    m_port = ntohs(a.sin_port);
    m_thread = std::thread([this] { run(); });
  }
  ~LoopbackServer() {
    m_stop = true;
    m_thread.join();
    ::close(m_listen);
  }

  std::string url(const std::string& path) const { return "http://127.0.0.1:" + std::to_string(m_port) + path; }
  int port() const { return m_port; }
  int connections() const { return m_connections; }
  std::vector<std::string> requests() {
    std::lock_guard lock(m_mutex);
    return m_requests;
  }

 private:
  bool wait_readable(int fd) {
    while (!m_stop) {
      pollfd p{fd, POLLIN, 0};
      if (::poll(&p, 1, 20) > 0) return true;
    }
    return false;
  }

  void run() {
    while (wait_readable(m_listen)) {
      int fd = ::accept4(m_listen, nullptr, nullptr, SOCK_CLOEXEC);
      if (fd < 0) continue;
      ++m_connections;
      serve(fd);
      ::close(fd);
    }
  }

  // Reads requests (head + Content-Length body) one after the other on one connection.
  void serve(int fd) {
    std::string buffer;
    char chunk[4096];
    for (;;) {
      auto end = buffer.find("\r\n\r\n");
      while (end == std::string::npos) {
        if (!wait_readable(fd)) return;
        ssize_t n = ::recv(fd, chunk, sizeof chunk, 0);
        if (n <= 0) return;
        buffer.append(chunk, static_cast<size_t>(n));
        if (!std::isupper(static_cast<unsigned char>(buffer[0]))) {  // not HTTP (a TLS hello)
          m_handler(fd, buffer);
          return;
        }
        end = buffer.find("\r\n\r\n");
      }
      size_t length = 0;
      auto cl = buffer.find("Content-Length: ");
      if (cl != std::string::npos && cl < end) length = std::stoul(buffer.substr(cl + 16));
      while (buffer.size() < end + 4 + length) {
        if (!wait_readable(fd)) return;
        ssize_t n = ::recv(fd, chunk, sizeof chunk, 0);
        if (n <= 0) return;
        buffer.append(chunk, static_cast<size_t>(n));
      }
      std::string request = buffer.substr(0, end + 4 + length);
      buffer.erase(0, request.size());
      {
        std::lock_guard lock(m_mutex);
        m_requests.push_back(request);
      }
      if (!m_handler(fd, request)) return;
    }
  }

  Handler m_handler;
  int m_listen = -1;
  int m_port = 0;
  std::atomic<bool> m_stop{false};
  std::atomic<int> m_connections{0};
  std::mutex m_mutex;
  std::vector<std::string> m_requests;
  std::thread m_thread;
};

// Writes wire as the reply to every request; keep_open: whether the connection stays open after.
inline Handler reply_with(std::string wire, bool keep_open = true) {
  return [wire, keep_open](int fd, const std::string&) {
    write_text(fd, wire);
    return keep_open;
  };
}

}  // namespace spawn::test
