#pragma once
// The transport of the agent (spored), which is linked fully statically and so cannot use
// libcurl: HTTP/1.1 over POSIX sockets, TLS through OpenSSL for https.
//  - Certificates always verified (system CA store, or the CA file/dir given), SNI, host name check.
//  - Replies framed by Content-Length or chunked encoding; by the connection closing only when the
//    request allows it (Request.framing), and over TLS only by a close_notify. Bodies are bounded
//    while they are read (Request.max_body).
//  - Request.connect_timeout bounds resolving and connecting; Request.timeout the whole request.
//  - With KeepAlive::yes, one idle connection per scheme://host:port is kept and reused.
// IP endpoints (169.254.169.254, 127.0.0.1) are connected to without name resolution; host
// names are looked up with c-ares, never through NSS (socket_resolve.hpp says why).
#include <memory>
#include <string>

#include "spawn/aws/http/http1.hpp"
#include "spawn/aws/http/transport.hpp"

namespace spawn::aws::http {

using http1::KeepAlive;

struct SocketTransportOptions {
  KeepAlive keep_alive = KeepAlive::yes;
  std::string ca_file;  // PEM bundle to trust instead of the system store (tests, private CAs)
  std::string ca_dir;   // hashed directory to trust instead of the system store
};

class SocketTransport final : public Transport {
 public:
  explicit SocketTransport(SocketTransportOptions options = {});
  ~SocketTransport() override;
  SocketTransport(const SocketTransport&) = delete;
  SocketTransport& operator=(const SocketTransport&) = delete;

  // See Transport::send. Errors: NetworkError (resolution, refused, reset, TLS, certificate,
  // closed mid-reply, a TLS stream ended without close_notify), RequestTimeout (connect or total
  // timeout), InvalidReply (not HTTP/1.x, or not framed as Request.framing wants), ReplyTooLarge
  // (body over Request.max_body), InvalidConfig (URL not absolute http/https); http_status is 0
  // for all of them.
  // Safe to call from several threads; each request uses its own connection.
  Result<Response> send(const Request& request) override;

 private:
  struct Impl;
  std::unique_ptr<Impl> m_impl;
};

}  // namespace spawn::aws::http
