#include "spawn/aws/http/socket_transport.hpp"

#include <algorithm>
#include <array>
#include <map>
#include <mutex>

#include "spawn/aws/http/socket_tcp.hpp"
#include "spawn/aws/http/socket_tls.hpp"

namespace spawn::aws::http {
namespace {

using Clock = std::chrono::steady_clock;

// One connection: a socket, and a TLS session over it for https.
struct Connection {
  tcp::Socket socket;
  std::unique_ptr<tls::Session> tls;

  Result<void> write_all(std::string_view data, tcp::Deadline deadline) {
    return tls ? tls->write_all(socket, data, deadline) : tcp::write_all(socket, data, deadline);
  }
  Result<std::size_t> read_some(char* buffer, std::size_t size, tcp::Deadline deadline) {
    return tls ? tls->read_some(socket, buffer, size, deadline) : tcp::read_some(socket, buffer, size, deadline);
  }
};

// Sends the request bytes and reads one reply into parser.
Result<void> exchange(Connection& c, const std::string& bytes, http1::ResponseParser& parser, tcp::Deadline deadline) {
  auto sent = c.write_all(bytes, deadline);
  if (!sent) return sent;
  std::array<char, 16384> buffer;
  while (!parser.done()) {
    auto n = c.read_some(buffer.data(), buffer.size(), deadline);
    if (!n) return unexpected(n.error());
    if (*n == 0) return parser.finish();
    auto fed = parser.feed(std::string_view(buffer.data(), *n));
    if (!fed) return fed;
  }
  return {};
}

// "<message> (GET http://host/path)": which request failed, without the query (it may carry
// presigned credentials).
Error with_request(Error e, const Request& request) {
  e.message += " (" + request.method + " " + request.url.substr(0, request.url.find('?')) + ")";
  return e;
}

}  // namespace

struct SocketTransport::Impl {
  SocketTransportOptions options;
  std::mutex mutex;                             // guards what follows
  std::shared_ptr<tls::Context> tls_context;    // made at the first https request
  std::map<std::string, std::unique_ptr<Connection>> idle;  // origin -> one idle connection

  Result<std::shared_ptr<tls::Context>> context() {
    std::lock_guard lock(mutex);
    if (!tls_context) {
      auto made = tls::Context::create({options.ca_file, options.ca_dir});
      if (!made) return unexpected(made.error());
      tls_context = *made;
    }
    return tls_context;
  }

  std::unique_ptr<Connection> take_idle(const std::string& origin) {
    std::unique_ptr<Connection> c;
    {
      std::lock_guard lock(mutex);
      auto it = idle.find(origin);
      if (it == idle.end()) return nullptr;
      c = std::move(it->second);
      idle.erase(it);
    }
    if (!tcp::idle_usable(c->socket)) return nullptr;  // closed by the server meanwhile
    return c;
  }

  void put_idle(const std::string& origin, std::unique_ptr<Connection> c) {
    std::lock_guard lock(mutex);
    idle[origin] = std::move(c);  // one per origin: a previous one is closed
  }

  Result<std::unique_ptr<Connection>> open(const util::Url& url, tcp::Deadline connect_deadline) {
    auto c = std::make_unique<Connection>();
    auto socket = tcp::connect(url.host, url.port, connect_deadline);
    if (!socket) return unexpected(socket.error());
    c->socket = std::move(*socket);
    if (url.scheme == "https") {
      auto ctx = context();
      if (!ctx) return unexpected(ctx.error());
      // Like curl's connect timeout, the TLS handshake is part of connecting.
      auto session = tls::Session::handshake(*ctx, c->socket, url.host, connect_deadline);
      if (!session) return unexpected(session.error());
      c->tls = std::move(*session);
    }
    return c;
  }
};

SocketTransport::SocketTransport(SocketTransportOptions options) : m_impl(std::make_unique<Impl>()) {
  m_impl->options = std::move(options);
}

SocketTransport::~SocketTransport() = default;

Result<Response> SocketTransport::send(const Request& request) {
  auto url = util::parse_url(request.url);
  if (!url) return unexpected(local_error("InvalidConfig", "not an absolute http(s) URL: " + request.url.substr(0, request.url.find('?'))));

  const auto start = Clock::now();
  const tcp::Deadline deadline = start + request.timeout;
  const tcp::Deadline connect_deadline = std::min(deadline, start + request.connect_timeout);
  const KeepAlive keep_alive = m_impl->options.keep_alive;
  const std::string bytes = http1::format_request(request, *url, keep_alive);
  const std::string origin = url->origin();

  // A kept-alive connection may have been closed by the server just as we reused it. Then the
  // request goes once more on a new connection, but only when not a byte of reply came back: a
  // server closing an idle connection has not read what we sent on it.
  for (int attempt = 1;; ++attempt) {
    std::unique_ptr<Connection> c;
    if (keep_alive == KeepAlive::yes && attempt == 1) c = m_impl->take_idle(origin);
    const bool reused = c != nullptr;
    if (!c) {
      auto opened = m_impl->open(*url, connect_deadline);
      if (!opened) return unexpected(with_request(opened.error(), request));
      c = std::move(*opened);
    }
    http1::ResponseParser parser({.head_request = request.method == "HEAD" ? http1::HeadRequest::yes : http1::HeadRequest::no,
                                  .framing = request.framing,
                                  .max_body = request.max_body});
    auto done = exchange(*c, bytes, parser, deadline);
    if (done) {
      if (keep_alive == KeepAlive::yes && parser.reusable()) m_impl->put_idle(origin, std::move(c));
      return std::move(parser.response());
    }
    if (reused && !parser.started() && done.error().code == "NetworkError") continue;
    Error e = done.error();
    if (e.code == "RequestTimeout")
      e.message += " (timeout " + std::to_string(request.timeout.count()) + " ms)";
    return unexpected(with_request(std::move(e), request));
  }
}

}  // namespace spawn::aws::http
