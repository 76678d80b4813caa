#pragma once
// Name resolution for the socket transport, without glibc's NSS. spored is linked statically, and
// a static glibc's getaddrinfo dlopen()s the libnss_* modules that /etc/nsswitch.conf names
// (myhostname, resolve): modules of the host's glibc, which crash a process linked against another
// one (SIGFPE on Ubuntu 22.04 and 24.04; docs/spored.md). c-ares reads /etc/hosts and
// /etc/resolv.conf itself and asks the nameservers over UDP/TCP, so no module is ever loaded.
#include <sys/socket.h>

#include <optional>
#include <string>
#include <vector>

#include "spawn/aws/error.hpp"
#include "spawn/aws/http/socket_tcp.hpp"

namespace spawn::aws::http::tcp {

// One address to connect to: an IPv4 or IPv6 socket address with the port set.
struct Address {
  sockaddr_storage storage{};
  socklen_t length = 0;

  int family() const { return storage.ss_family; }
  const sockaddr* get() const { return reinterpret_cast<const sockaddr*>(&storage); }
  // "127.0.0.1", "::1" (no port).
  std::string ip() const;
};

// The address of an IP literal ("169.254.169.254", "fd00:ec2::254", "fe80::1%eth0") with port;
// nullopt when host is a name. Reads no file and sends nothing.
std::optional<Address> numeric_address(const std::string& host, int port);

// The addresses of host in the order to try them. An IP literal needs no lookup. A name is looked
// up as /etc/nsswitch.conf's hosts line orders it ("files" is /etc/hosts, "dns" and "resolve" the
// nameservers of /etc/resolv.conf, systemd-resolved's 127.0.0.53 stub included; other services are
// skipped), A and AAAA records, sorted by RFC 6724 (addresses this machine cannot reach come last).
// Bounded by the deadline, like connecting. Errors: NetworkError (no such name, no nameserver
// answered, a bad IP literal), RequestTimeout (the deadline passed first).
Result<std::vector<Address>> resolve(const std::string& host, int port, Deadline deadline);

}  // namespace spawn::aws::http::tcp
