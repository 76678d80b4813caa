#pragma once
// TLS for the socket transport, through OpenSSL. The TLS engine works on memory buffers and never
// touches the socket itself: bytes move through socket_tcp (deadlines, no SIGPIPE).
// Certificates are always verified: chain against the CA store, and the name (DNS name via
// X509_VERIFY_PARAM_set1_host, or IP address) against the host of the URL.
#include <memory>
#include <string>
#include <string_view>

#include "spawn/aws/error.hpp"
#include "spawn/aws/http/socket_tcp.hpp"

// OpenSSL's types, declared here so that only socket_tls.cpp includes OpenSSL.
struct ssl_st;
struct ssl_ctx_st;
struct bio_st;

namespace spawn::aws::http::tls {

struct CaStore {
  std::string file;  // PEM bundle; with dir empty too: the system store (see Context::create)
  std::string dir;   // hashed certificate directory (c_rehash)
};

// One SSL_CTX: TLS 1.2+, peer verification on, the CA store loaded once.
class Context {
 public:
  // The system store is SSL_CERT_FILE / SSL_CERT_DIR when set, OpenSSL's build-time defaults, and
  // the first bundle found among the distributions' usual places. Error: NetworkError when an
  // explicitly given CA file or directory cannot be loaded.
  static Result<std::shared_ptr<Context>> create(const CaStore& store);
  ~Context();
  Context(const Context&) = delete;
  Context& operator=(const Context&) = delete;

  ssl_ctx_st* native() const { return m_ctx; }

 private:
  Context() = default;
  ssl_ctx_st* m_ctx = nullptr;
};

// A TLS session over a connected socket.
class Session {
 public:
  // Handshakes with host (SNI for names, not for IP literals) before the deadline.
  // Errors: NetworkError naming the reason (certificate verification, protocol), RequestTimeout.
  static Result<std::unique_ptr<Session>> handshake(std::shared_ptr<Context> context, const tcp::Socket& socket,
                                                    const std::string& host, tcp::Deadline deadline);
  ~Session();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  Result<void> write_all(const tcp::Socket& socket, std::string_view data, tcp::Deadline deadline);
  // Up to size bytes of plaintext; 0 when the peer closed the TLS session (close_notify). A
  // connection closed without close_notify is an error (NetworkError, "truncated").
  Result<std::size_t> read_some(const tcp::Socket& socket, char* buffer, std::size_t size, tcp::Deadline deadline);

 private:
  Session() = default;
  template <class Op>
  Result<int> drive(const tcp::Socket& socket, tcp::Deadline deadline, Op op);
  Result<void> flush(const tcp::Socket& socket, tcp::Deadline deadline);
  Error unexpected_eof() const;

  std::shared_ptr<Context> m_context;
  ssl_st* m_ssl = nullptr;
  bio_st* m_in = nullptr;   // what the engine reads: bytes received from the socket
  bio_st* m_out = nullptr;  // what the engine wrote: bytes to send
  std::string m_host;
  bool m_handshaken = false;
};

}  // namespace spawn::aws::http::tls
