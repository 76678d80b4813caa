// resolve_probe: the socket transport's name resolution (spawn/aws/http/socket_resolve.hpp) on the
// command line, linked statically like spored, for the chroot tests (tests/integration/
// test_spored_static.py) and tools/nss-chroot-check. One JSON line per host on stdout; exit 0
// whatever the lookups gave, 2 on bad usage.
//
//   resolve_probe [--timeout-ms N] [--libc] HOST...
//     {"host": "...", "ok": true, "addresses": ["10.1.2.3", "::1"], "ms": 3}
//     {"host": "...", "ok": false, "code": "NetworkError", "message": "...", "ms": 1000}
//   --libc asks glibc's getaddrinfo instead (what spored used before): the control that shows a
//   chroot's NSS modules being loaded.
#include <netdb.h>
#include <sys/socket.h>

#include <chrono>
#include <cstring>
#include <iostream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "spawn/aws/http/socket_resolve.hpp"

using namespace spawn::aws::http;
using nlohmann::json;

namespace {

int usage() {
  std::cerr << "usage: resolve_probe [--timeout-ms N] [--libc] HOST...\n";
  return 2;
}

json with_libc(const std::string& host) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  int rc = ::getaddrinfo(host.c_str(), "443", &hints, &found);
  if (rc != 0) return {{"ok", false}, {"code", "NetworkError"}, {"message", ::gai_strerror(rc)}};
  json addresses = json::array();
  for (const addrinfo* a = found; a != nullptr; a = a->ai_next) {
    tcp::Address address;
    address.length = a->ai_addrlen;
    std::memcpy(&address.storage, a->ai_addr, a->ai_addrlen);
    addresses.push_back(address.ip());
  }
  ::freeaddrinfo(found);
  return {{"ok", true}, {"addresses", addresses}};
}

json with_transport(const std::string& host, std::chrono::milliseconds timeout) {
  auto found = tcp::resolve(host, 443, std::chrono::steady_clock::now() + timeout);
  if (!found) return {{"ok", false}, {"code", found.error().code}, {"message", found.error().message}};
  json addresses = json::array();
  for (const auto& a : *found) addresses.push_back(a.ip());
  return {{"ok", true}, {"addresses", addresses}};
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> hosts;
  std::chrono::milliseconds timeout{3000};
  bool libc = false;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--timeout-ms" && i + 1 < argc) timeout = std::chrono::milliseconds(std::stol(argv[++i]));
    else if (a == "--libc") libc = true;
    else if (!a.starts_with("--")) hosts.push_back(a);
    else return usage();
  }
  if (hosts.empty()) return usage();
  for (const auto& host : hosts) {
    auto start = std::chrono::steady_clock::now();
    json out = libc ? with_libc(host) : with_transport(host, timeout);
    out["host"] = host;
    out["ms"] = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start).count();
    std::cout << out.dump() << std::endl;
  }
  return 0;
}
