#pragma once
// The libcurl transport spawn uses: one easy handle reused across requests (keep-alive,
// TLS session reuse), connect and total timeouts, certificate checks always on, bodies bounded
// by Request.max_body while they arrive and framed as Request.framing wants (see transport.hpp).
#include <memory>

#include "spawn/aws/http/transport.hpp"

namespace spawn::aws::http {

class CurlTransport final : public Transport {
 public:
  // ca_bundle: a PEM file trusted instead of the system's certificates; "": the system's.
  explicit CurlTransport(std::string ca_bundle = {});
  ~CurlTransport() override;
  CurlTransport(const CurlTransport&) = delete;
  CurlTransport& operator=(const CurlTransport&) = delete;

  Result<Response> send(const Request& request) override;

 private:
  struct Impl;
  std::unique_ptr<Impl> m_impl;
};

}  // namespace spawn::aws::http
