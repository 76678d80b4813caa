#include "spawn/aws/http/socket_tls.hpp"

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <array>

namespace spawn::aws::http::tls {
namespace {

// Where distributions keep their CA bundle. A statically linked spored carries the OPENSSLDIR of
// the build machine (Debian: /usr/lib/ssl), which does not exist on Amazon Linux or RHEL, so
// OpenSSL's defaults alone would find no CA there and every https request would fail.
constexpr std::array<const char*, 6> k_ca_bundles = {
    "/etc/ssl/certs/ca-certificates.crt",                 // Debian, Ubuntu, Arch
    "/etc/pki/tls/certs/ca-bundle.crt",                   // Amazon Linux, Fedora, RHEL
    "/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem",  // RHEL, CentOS 7+
    "/etc/ssl/ca-bundle.pem",                             // openSUSE
    "/etc/ssl/cert.pem",                                  // Alpine
    "/etc/pki/tls/cacert.pem",                            // older embedded systems
};

// OpenSSL's error queue as one line (and emptied).
std::string openssl_errors() {
  std::string out;
  while (unsigned long e = ERR_get_error()) {
    char buf[256];
    ERR_error_string_n(e, buf, sizeof buf);
    if (!out.empty()) out += "; ";
    out += buf;
  }
  return out.empty() ? "unknown TLS error" : out;
}

}  // namespace

Result<std::shared_ptr<Context>> Context::create(const CaStore& store) {
  std::shared_ptr<Context> context(new Context());
  SSL_CTX* ctx = SSL_CTX_new(TLS_client_method());
  if (ctx == nullptr) return unexpected(local_error("NetworkError", "TLS setup failed: " + openssl_errors()));
  context->m_ctx = ctx;
  SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
  SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, nullptr);
  // No SSL_OP_IGNORE_UNEXPECTED_EOF: a TCP close without close_notify may be an attacker cutting
  // the stream, and for a body read until the close it is the only sign of a truncation. Servers
  // that close without close_notify after a framed (Content-Length, chunked) reply are not hurt:
  // the reply is complete before the close is read.

  if (!store.file.empty() || !store.dir.empty()) {
    const char* file = store.file.empty() ? nullptr : store.file.c_str();
    const char* dir = store.dir.empty() ? nullptr : store.dir.c_str();
    if (SSL_CTX_load_verify_locations(ctx, file, dir) != 1)
      return unexpected(local_error("NetworkError", "cannot load CA certificates from " +
                                                        (file ? store.file : store.dir) + ": " + openssl_errors()));
    return context;
  }
  // SSL_CERT_FILE / SSL_CERT_DIR, else the build-time OPENSSLDIR; then the first bundle that loads.
  SSL_CTX_set_default_verify_paths(ctx);
  for (const char* bundle : k_ca_bundles) {
    if (SSL_CTX_load_verify_locations(ctx, bundle, nullptr) == 1) break;
  }
  ERR_clear_error();  // the bundles that were not there
  return context;
}

Context::~Context() {
  if (m_ctx != nullptr) SSL_CTX_free(m_ctx);
}

Result<std::unique_ptr<Session>> Session::handshake(std::shared_ptr<Context> context, const tcp::Socket& socket,
                                                    const std::string& host, tcp::Deadline deadline) {
  std::unique_ptr<Session> s(new Session());
  s->m_context = std::move(context);
  s->m_host = host;
  s->m_ssl = SSL_new(s->m_context->native());
  if (s->m_ssl == nullptr) return unexpected(local_error("NetworkError", "TLS setup failed: " + openssl_errors()));
  s->m_in = BIO_new(BIO_s_mem());
  s->m_out = BIO_new(BIO_s_mem());
  if (s->m_in == nullptr || s->m_out == nullptr) {
    BIO_free(s->m_in);
    BIO_free(s->m_out);
    s->m_in = s->m_out = nullptr;
    return unexpected(local_error("NetworkError", "TLS setup failed: " + openssl_errors()));
  }
  BIO_set_mem_eof_return(s->m_in, -1);  // empty means "wait for more", until the socket closes
  SSL_set_bio(s->m_ssl, s->m_in, s->m_out);  // the SSL owns both BIOs from here
  SSL_set_connect_state(s->m_ssl);

  // The name check: an IP literal must be in the certificate's IP SANs; a host name must match a
  // DNS SAN (no partial wildcards) and is also sent as SNI (RFC 6066 forbids SNI for addresses).
  X509_VERIFY_PARAM* param = SSL_get0_param(s->m_ssl);
  if (X509_VERIFY_PARAM_set1_ip_asc(param, host.c_str()) != 1) {
    ERR_clear_error();
    X509_VERIFY_PARAM_set_hostflags(param, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
    if (X509_VERIFY_PARAM_set1_host(param, host.c_str(), host.size()) != 1 ||
        SSL_set_tlsext_host_name(s->m_ssl, host.c_str()) != 1)
      return unexpected(local_error("NetworkError", "TLS setup failed for " + host + ": " + openssl_errors()));
  }

  auto done = s->drive(socket, deadline, [&] { return SSL_do_handshake(s->m_ssl); });
  if (!done) return unexpected(done.error());
  if (*done != 1) return unexpected(local_error("NetworkError", "TLS handshake with " + host + ": connection closed"));
  s->m_handshaken = true;
  return s;
}

Session::~Session() {
  if (m_ssl != nullptr) SSL_free(m_ssl);  // frees m_in and m_out
}

Result<void> Session::flush(const tcp::Socket& socket, tcp::Deadline deadline) {
  char* data = nullptr;
  long size = BIO_get_mem_data(m_out, &data);
  if (size <= 0) return {};
  auto sent = tcp::write_all(socket, std::string_view(data, static_cast<size_t>(size)), deadline);
  (void)BIO_reset(m_out);
  return sent;
}

// Runs one OpenSSL operation to completion over the memory BIOs: whatever the engine wants to
// send is flushed to the socket, and when it wants input, bytes are read from the socket into it.
// Tricky because one SSL_read may need a write (key update) and a handshake needs several round
// trips; SSL_get_error says which, after every call. Returns op's positive result, or 0 once the
// peer has closed the TLS session (close_notify). A TCP close without close_notify is an error
// (NetworkError, "truncated"): OpenSSL 3 reports it as SSL_R_UNEXPECTED_EOF_WHILE_READING, older
// versions as SSL_ERROR_SYSCALL with an empty error queue.
template <class Op>
Result<int> Session::drive(const tcp::Socket& socket, tcp::Deadline deadline, Op op) {
  std::array<char, 16384> buffer;
  bool peer_closed = false;
  for (;;) {
    ERR_clear_error();
    int r = op();
    int err = r > 0 ? SSL_ERROR_NONE : SSL_get_error(m_ssl, r);
    auto flushed = flush(socket, deadline);
    if (!flushed && err != SSL_ERROR_SSL) return unexpected(flushed.error());
    switch (err) {
      case SSL_ERROR_NONE:
        return r;
      case SSL_ERROR_ZERO_RETURN:
        return 0;
      case SSL_ERROR_WANT_WRITE:
        continue;
      case SSL_ERROR_WANT_READ: {
        if (peer_closed) return unexpected(unexpected_eof());
        auto n = tcp::read_some(socket, buffer.data(), buffer.size(), deadline);
        if (!n) return unexpected(n.error());
        if (*n == 0) {
          peer_closed = true;
          BIO_set_mem_eof_return(m_in, 0);  // the engine now sees end of input
        } else {
          BIO_write(m_in, buffer.data(), static_cast<int>(*n));
        }
        continue;
      }
      case SSL_ERROR_SYSCALL:
        if (peer_closed) return unexpected(unexpected_eof());
        [[fallthrough]];
      default: {
        const unsigned long first = ERR_peek_error();
        if (err == SSL_ERROR_SSL && ERR_GET_LIB(first) == ERR_LIB_SSL &&
            ERR_GET_REASON(first) == SSL_R_UNEXPECTED_EOF_WHILE_READING) {
          ERR_clear_error();
          return unexpected(unexpected_eof());
        }
        long verify = SSL_get_verify_result(m_ssl);
        if (verify != X509_V_OK)
          return unexpected(local_error("NetworkError", "TLS certificate of " + m_host + " rejected: " +
                                                            X509_verify_cert_error_string(verify)));
        return unexpected(local_error("NetworkError", "TLS with " + m_host + " failed: " + openssl_errors()));
      }
    }
  }
}

Error Session::unexpected_eof() const {
  if (!m_handshaken) return local_error("NetworkError", "TLS handshake with " + m_host + ": connection closed");
  return local_error("NetworkError", "TLS connection with " + m_host + " closed without close_notify (truncated)");
}

Result<void> Session::write_all(const tcp::Socket& socket, std::string_view data, tcp::Deadline deadline) {
  while (!data.empty()) {
    int chunk = data.size() > (1 << 30) ? (1 << 30) : static_cast<int>(data.size());
    auto n = drive(socket, deadline, [&] { return SSL_write(m_ssl, data.data(), chunk); });
    if (!n) return unexpected(n.error());
    if (*n == 0) return unexpected(local_error("NetworkError", "connection to " + m_host + " closed while sending"));
    data.remove_prefix(static_cast<size_t>(*n));
  }
  return {};
}

Result<std::size_t> Session::read_some(const tcp::Socket& socket, char* buffer, std::size_t size,
                                       tcp::Deadline deadline) {
  int want = size > (1 << 30) ? (1 << 30) : static_cast<int>(size);
  auto n = drive(socket, deadline, [&] { return SSL_read(m_ssl, buffer, want); });
  if (!n) return unexpected(n.error());
  return static_cast<std::size_t>(*n);
}

}  // namespace spawn::aws::http::tls
