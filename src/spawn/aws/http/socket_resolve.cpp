#include "spawn/aws/http/socket_resolve.hpp"

#include <ares.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>

#include <cerrno>
#include <cstring>
#include <memory>
#include <type_traits>

namespace spawn::aws::http::tcp {
namespace {

constexpr int k_try_timeout_ms = 1000;

bool all_digits(const std::string& s) {
  if (s.empty()) return false;
  for (char c : s)
    if (c < '0' || c > '9') return false;
  return true;
}

Address from_sockaddr(const sockaddr* a, socklen_t length, int port) {
  Address out;
  std::memcpy(&out.storage, a, length);
  out.length = length;
  if (out.family() == AF_INET)
    reinterpret_cast<sockaddr_in*>(&out.storage)->sin_port = htons(static_cast<uint16_t>(port));
  else
    reinterpret_cast<sockaddr_in6*>(&out.storage)->sin6_port = htons(static_cast<uint16_t>(port));
  return out;
}

// What one ares_getaddrinfo call found; filled in by its callback.
struct Lookup {
  int port = 0;
  bool done = false;
  int status = ARES_SUCCESS;
  std::vector<Address> addresses;
};

void on_result(void* arg, int status, int /*timeouts*/, ares_addrinfo* result) {
  auto* lookup = static_cast<Lookup*>(arg);
  lookup->done = true;
  lookup->status = status;
  if (result == nullptr) return;
  for (const ares_addrinfo_node* n = result->nodes; n != nullptr; n = n->ai_next) {
    bool usable = (n->ai_family == AF_INET && n->ai_addrlen == sizeof(sockaddr_in)) ||
                  (n->ai_family == AF_INET6 && n->ai_addrlen == sizeof(sockaddr_in6));
    if (usable) lookup->addresses.push_back(from_sockaddr(n->ai_addr, n->ai_addrlen, lookup->port));
  }
  ares_freeaddrinfo(result);
}

struct ChannelDeleter {
  void operator()(ares_channel channel) const { ares_destroy(channel); }
};
using Channel = std::unique_ptr<std::remove_pointer_t<ares_channel>, ChannelDeleter>;

Error cannot_resolve(const std::string& host, const std::string& why) {
  return local_error("NetworkError", "cannot resolve " + host + ": " + why);
}

// One pass of c-ares's event loop: wait (poll) for its sockets or its next timeout, never past the
// deadline, and let it process what happened (answers, resends, the next nameserver). An error
// only when poll itself failed.
Result<void> step(ares_channel channel, int left_ms) {
  ares_socket_t sockets[ARES_GETSOCK_MAXNUM];
  int bits = ares_getsock(channel, sockets, ARES_GETSOCK_MAXNUM);
  pollfd fds[ARES_GETSOCK_MAXNUM];
  nfds_t count = 0;
  for (int i = 0; i < ARES_GETSOCK_MAXNUM; ++i) {
    short events = 0;
    if (ARES_GETSOCK_READABLE(bits, i)) events |= POLLIN;
    if (ARES_GETSOCK_WRITABLE(bits, i)) events |= POLLOUT;
    if (events != 0) fds[count++] = pollfd{sockets[i], events, 0};
  }
  timeval limit{left_ms / 1000, (left_ms % 1000) * 1000};
  timeval next{};
  const timeval* wait = ares_timeout(channel, &limit, &next);
  int wait_ms = static_cast<int>(wait->tv_sec * 1000 + (wait->tv_usec + 999) / 1000);
  int ready = ::poll(fds, count, wait_ms);
  if (ready < 0) {
    if (errno == EINTR) return {};
    return unexpected(local_error("NetworkError", std::string("poll: ") + std::strerror(errno)));
  }
  if (ready == 0) {
    ares_process_fd(channel, ARES_SOCKET_BAD, ARES_SOCKET_BAD);  // its timeouts: resend, next server
    return {};
  }
  for (nfds_t i = 0; i < count; ++i) {
    if (fds[i].revents == 0) continue;
    bool readable = (fds[i].revents & (POLLIN | POLLERR | POLLHUP)) != 0;
    bool writable = (fds[i].revents & POLLOUT) != 0;
    ares_process_fd(channel, readable ? fds[i].fd : ARES_SOCKET_BAD, writable ? fds[i].fd : ARES_SOCKET_BAD);
  }
  return {};
}

// A name through c-ares: a fresh channel per lookup, so /etc/resolv.conf and /etc/hosts are read
// as they are now (glibc re-reads them too); spored resolves rarely (AWS endpoints, not the
// metadata service, which is an IP address).
Result<std::vector<Address>> lookup(const std::string& host, int port, Deadline deadline) {
  auto timed_out = [&] { return unexpected(local_error("RequestTimeout", "resolving " + host + " timed out")); };
  if (remaining_ms(deadline) == 0) return timed_out();  // before a query goes out
  static const int library = ares_library_init(ARES_LIB_INIT_ALL);
  if (library != ARES_SUCCESS) return unexpected(cannot_resolve(host, ares_strerror(library)));

  Lookup found;  // declared before the channel: destroying the channel may still call back
  found.port = port;
  // c-ares waits 5 s for a nameserver before the next one (doubling each round): longer than the
  // whole connect deadline (3 s by default), so a dead first nameserver would fail every lookup.
  // 1 s per try, doubling, leaves room for the next nameserver and a resend; this overrides the
  // "options timeout:" of resolv.conf, not its nameservers, search or attempts.
  ares_options options{};
  options.timeout = k_try_timeout_ms;
  ares_channel raw = nullptr;
  int rc = ares_init_options(&raw, &options, ARES_OPT_TIMEOUTMS);
  if (rc != ARES_SUCCESS) return unexpected(cannot_resolve(host, ares_strerror(rc)));
  Channel channel(raw);

  ares_addrinfo_hints hints{};
  hints.ai_family = AF_UNSPEC;  // A and AAAA
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_protocol = IPPROTO_TCP;
  // No service: c-ares would look a named one up with getservbyname, which is NSS again.
  ares_getaddrinfo(raw, host.c_str(), nullptr, &hints, on_result, &found);
  while (!found.done) {
    int left = remaining_ms(deadline);
    if (left == 0) return timed_out();
    auto stepped = step(raw, left);
    if (!stepped) return unexpected(stepped.error());
  }
  if (found.status != ARES_SUCCESS) return unexpected(cannot_resolve(host, ares_strerror(found.status)));
  if (found.addresses.empty()) return unexpected(cannot_resolve(host, "no IPv4 or IPv6 address"));
  return std::move(found.addresses);
}

}  // namespace

std::string Address::ip() const {
  char text[INET6_ADDRSTRLEN] = "";
  if (family() == AF_INET)
    ::inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in*>(&storage)->sin_addr, text, sizeof text);
  else if (family() == AF_INET6)
    ::inet_ntop(AF_INET6, &reinterpret_cast<const sockaddr_in6*>(&storage)->sin6_addr, text, sizeof text);
  return text;
}

std::optional<Address> numeric_address(const std::string& host, int port) {
  sockaddr_in v4{};
  if (::inet_pton(AF_INET, host.c_str(), &v4.sin_addr) == 1) {
    v4.sin_family = AF_INET;
    return from_sockaddr(reinterpret_cast<const sockaddr*>(&v4), sizeof v4, port);
  }
  // A name never holds ':', so anything with one is meant as IPv6, perhaps with a zone ("%eth0").
  auto percent = host.find('%');
  sockaddr_in6 v6{};
  if (::inet_pton(AF_INET6, host.substr(0, percent).c_str(), &v6.sin6_addr) != 1) return std::nullopt;
  v6.sin6_family = AF_INET6;
  if (percent != std::string::npos) {
    std::string zone = host.substr(percent + 1);
    unsigned long index = all_digits(zone) && zone.size() < 10 ? std::stoul(zone) : ::if_nametoindex(zone.c_str());
    if (index == 0) return std::nullopt;
    v6.sin6_scope_id = static_cast<uint32_t>(index);
  }
  return from_sockaddr(reinterpret_cast<const sockaddr*>(&v6), sizeof v6, port);
}

Result<std::vector<Address>> resolve(const std::string& host, int port, Deadline deadline) {
  if (auto literal = numeric_address(host, port)) return std::vector<Address>{*literal};
  if (host.find(':') != std::string::npos)
    return unexpected(local_error("NetworkError", "cannot resolve " + host + ": not a valid IPv6 address"));
  return lookup(host, port, deadline);
}

}  // namespace spawn::aws::http::tcp
