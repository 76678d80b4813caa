// The socket transport's IP literals: parsed without a lookup (no file read, nothing sent). Names
// are looked up in chroots with a nameserver of the test's own: tests/integration/
// test_spored_static.py (ResolverChrootTest).
#include "spawn/aws/http/socket_resolve.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <gtest/gtest.h>

#include <chrono>

namespace spawn::aws::http::tcp {
namespace {

Deadline soon() { return std::chrono::steady_clock::now() + std::chrono::seconds(5); }

TEST(SocketResolve, Ipv4LiteralGetsThePort) {
  auto a = numeric_address("169.254.169.254", 80);
  ASSERT_TRUE(a);
  EXPECT_EQ(a->family(), AF_INET);
  EXPECT_EQ(a->length, sizeof(sockaddr_in));
  EXPECT_EQ(a->ip(), "169.254.169.254");
  EXPECT_EQ(ntohs(reinterpret_cast<const sockaddr_in*>(a->get())->sin_port), 80);
}

TEST(SocketResolve, Ipv6LiteralGetsThePort) {
  auto a = numeric_address("fd00:ec2::254", 8080);
  ASSERT_TRUE(a);
  EXPECT_EQ(a->family(), AF_INET6);
  EXPECT_EQ(a->length, sizeof(sockaddr_in6));
  EXPECT_EQ(a->ip(), "fd00:ec2::254");
  EXPECT_EQ(ntohs(reinterpret_cast<const sockaddr_in6*>(a->get())->sin6_port), 8080);
  EXPECT_EQ(reinterpret_cast<const sockaddr_in6*>(a->get())->sin6_scope_id, 0u);
}

TEST(SocketResolve, Ipv6ZoneByNumberAndByInterfaceName) {
  auto by_number = numeric_address("fe80::1%7", 80);
  ASSERT_TRUE(by_number);
  EXPECT_EQ(reinterpret_cast<const sockaddr_in6*>(by_number->get())->sin6_scope_id, 7u);
  auto by_name = numeric_address("fe80::1%lo", 80);  // every Linux has lo
  ASSERT_TRUE(by_name);
  EXPECT_NE(reinterpret_cast<const sockaddr_in6*>(by_name->get())->sin6_scope_id, 0u);
  EXPECT_FALSE(numeric_address("fe80::1%no-such-interface", 80));
}

TEST(SocketResolve, NamesAreNotLiterals) {
  EXPECT_FALSE(numeric_address("ec2.us-east-1.amazonaws.com", 443));
  EXPECT_FALSE(numeric_address("localhost", 443));
  EXPECT_FALSE(numeric_address("1.2.3.4.example", 443));
  EXPECT_FALSE(numeric_address("", 443));
}

TEST(SocketResolve, ResolveReturnsALiteralAsItsOnlyAddress) {
  auto v4 = resolve("127.0.0.1", 9, soon());
  ASSERT_TRUE(v4) << v4.error().message;
  ASSERT_EQ(v4->size(), 1u);
  EXPECT_EQ(v4->front().ip(), "127.0.0.1");
  auto v6 = resolve("::1", 9, soon());
  ASSERT_TRUE(v6) << v6.error().message;
  ASSERT_EQ(v6->size(), 1u);
  EXPECT_EQ(v6->front().family(), AF_INET6);
}

TEST(SocketResolve, ABrokenIpv6LiteralIsAnErrorNotALookup) {
  // A name never holds ':': no nameserver is asked about it.
  auto r = resolve("fd00:ec2::zz", 80, soon());
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, "NetworkError");
  EXPECT_EQ(r.error().http_status, 0);
  EXPECT_NE(r.error().message.find("fd00:ec2::zz"), std::string::npos);
}

TEST(SocketResolve, APassedDeadlineStopsANameBeforeAnyLookup) {
  auto r = resolve("spored-test.invalid", 443, std::chrono::steady_clock::now() - std::chrono::seconds(1));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, "RequestTimeout");
}

}  // namespace
}  // namespace spawn::aws::http::tcp
