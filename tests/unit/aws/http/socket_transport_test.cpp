// SocketTransport against a loopback server run by the test itself, which answers each request
// with bytes the test chooses (support/loopback_server.hpp).
// TLS against a real https server is in tests/integration/test_socket_transport.py.
#include "spawn/aws/http/socket_transport.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <chrono>
#include <thread>
#include <vector>

#include "../../support/loopback_server.hpp"

namespace spawn::aws::http {
namespace {

using namespace std::chrono_literals;
using test::LoopbackServer;
using test::reply_with;
using test::write_text;

Request get(const std::string& url, std::chrono::milliseconds timeout = 5000ms) {
  Request r;
  r.url = url;
  r.timeout = timeout;
  r.connect_timeout = timeout;
  return r;
}

TEST(SocketTransport, ContentLengthReply) {
  LoopbackServer server(reply_with("HTTP/1.1 200 OK\r\nContent-Length: 10\r\nX-Thing: yes\r\n\r\ni-01234567"));
  SocketTransport transport;
  Request r = get(server.url("/latest/meta-data/instance-id"));
  r.headers = {{"X-aws-ec2-metadata-token", "tok"}};
  auto reply = transport.send(r);
  ASSERT_TRUE(reply) << reply.error().describe();
  EXPECT_EQ(reply->status, 200);
  EXPECT_EQ(reply->body, "i-01234567");
  EXPECT_EQ(reply->header("x-thing"), "yes");
  auto seen = server.requests();
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0], "GET /latest/meta-data/instance-id HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(server.port()) +
                         "\r\nX-aws-ec2-metadata-token: tok\r\n\r\n");
}

TEST(SocketTransport, ChunkedReply) {
  LoopbackServer server(
      reply_with("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nspot\r\n6\r\n-event\r\n0\r\n\r\n"));
  SocketTransport transport;
  auto reply = transport.send(get(server.url("/")));
  ASSERT_TRUE(reply) << reply.error().describe();
  EXPECT_EQ(reply->body, "spot-event");
}

TEST(SocketTransport, BodyUntilCloseWhenAllowed) {
  LoopbackServer server(reply_with("HTTP/1.0 200 OK\r\n\r\nuntil the end", false));
  SocketTransport transport;
  Request r = get(server.url("/"));
  r.framing = Framing::close_allowed;
  auto reply = transport.send(r);
  ASSERT_TRUE(reply) << reply.error().describe();
  EXPECT_EQ(reply->body, "until the end");
}

TEST(SocketTransport, BodyUntilCloseRefusedByDefault) {
  // What a cut connection leaves looks the same: a script ending in the middle of a line.
  LoopbackServer server(reply_with("HTTP/1.0 200 OK\r\n\r\n#!/bin/sh\nrm -rf /srv/job/tmp", false));
  SocketTransport transport;
  auto reply = transport.send(get(server.url("/")));
  ASSERT_FALSE(reply);
  EXPECT_EQ(reply.error().code, "InvalidReply");
  EXPECT_EQ(reply.error().http_status, 0);
}

TEST(SocketTransport, BodyOverTheLimitStopsTheRead) {
  // The server would send 64 MiB with no length; the read stops at the limit.
  LoopbackServer server([](int fd, const std::string&) {
    write_text(fd, "HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n");
    const std::string block(64 * 1024, 'x');
    for (int i = 0; i < 1024; ++i) {
      if (::send(fd, block.data(), block.size(), MSG_NOSIGNAL) <= 0) break;
    }
    return false;
  });
  SocketTransport transport;
  Request r = get(server.url("/"));
  r.framing = Framing::close_allowed;
  r.max_body = 100 * 1024;
  auto reply = transport.send(r);
  ASSERT_FALSE(reply);
  EXPECT_EQ(reply.error().code, "ReplyTooLarge");
  EXPECT_NE(reply.error().message.find("102400 bytes"), std::string::npos) << reply.error().message;
}

TEST(SocketTransport, PutSendsBody) {
  LoopbackServer server(reply_with("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"));
  SocketTransport transport;
  Request r = get(server.url("/upload"));
  r.method = "PUT";
  r.body = "payload";
  ASSERT_TRUE(transport.send(r));
  auto seen = server.requests();
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_NE(seen[0].find("PUT /upload HTTP/1.1\r\n"), std::string::npos);
  EXPECT_NE(seen[0].find("Content-Length: 7\r\n\r\npayload"), std::string::npos);
}

TEST(SocketTransport, KeepAliveReusesOneConnection) {
  LoopbackServer server(reply_with("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"));
  SocketTransport transport;
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(transport.send(get(server.url("/"))));
  EXPECT_EQ(server.connections(), 1);
}

TEST(SocketTransport, KeepAliveOff) {
  LoopbackServer server(reply_with("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok", false));
  SocketTransport transport({.keep_alive = KeepAlive::no});
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(transport.send(get(server.url("/"))));
  EXPECT_EQ(server.connections(), 3);
  EXPECT_NE(server.requests()[0].find("Connection: close\r\n"), std::string::npos);
}

TEST(SocketTransport, ServerClosingAfterReplyMeansNewConnection) {
  // Like the metadata service: "Connection: close" on every reply.
  LoopbackServer server(reply_with("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok", false));
  SocketTransport transport;
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(transport.send(get(server.url("/"))));
  EXPECT_EQ(server.connections(), 3);
}

TEST(SocketTransport, StaleKeptAliveConnectionIsReplaced) {
  // The server keeps nothing open but does not say so: the idle connection is dead when reused.
  LoopbackServer server(reply_with("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok", false));
  SocketTransport transport;
  ASSERT_TRUE(transport.send(get(server.url("/"))));
  std::this_thread::sleep_for(50ms);
  auto again = transport.send(get(server.url("/")));
  ASSERT_TRUE(again) << again.error().describe();
  EXPECT_EQ(again->body, "ok");
  EXPECT_EQ(server.connections(), 2);
}

TEST(SocketTransport, RefusedIsNetworkError) {
  int port;
  {
    LoopbackServer gone(reply_with(""));
    port = gone.port();
  }
  SocketTransport transport;
  auto reply = transport.send(get("http://127.0.0.1:" + std::to_string(port) + "/x"));
  ASSERT_FALSE(reply);
  EXPECT_EQ(reply.error().code, "NetworkError");
  EXPECT_EQ(reply.error().http_status, 0);
  EXPECT_NE(reply.error().message.find("refused"), std::string::npos) << reply.error().message;
  EXPECT_NE(reply.error().message.find("GET http://127.0.0.1"), std::string::npos) << reply.error().message;
}

TEST(SocketTransport, SilentServerTimesOut) {
  LoopbackServer server([](int, const std::string&) {
    std::this_thread::sleep_for(800ms);
    return false;
  });
  SocketTransport transport;
  auto start = std::chrono::steady_clock::now();
  auto reply = transport.send(get(server.url("/latest/api/token"), 300ms));
  auto took = std::chrono::steady_clock::now() - start;
  ASSERT_FALSE(reply);
  EXPECT_EQ(reply.error().code, "RequestTimeout");
  EXPECT_EQ(reply.error().http_status, 0);
  EXPECT_GE(took, 290ms);
  EXPECT_LT(took, 1000ms);
}

TEST(SocketTransport, ConnectTimeout) {
  // A listener whose accept queue is full and never drained: Linux drops further SYNs, so a
  // connect hangs until the deadline.
  std::vector<int> fillers;
  int l = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::bind(l, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
  ASSERT_EQ(::listen(l, 0), 0);
  socklen_t len = sizeof a;
  ::getsockname(l, reinterpret_cast<sockaddr*>(&a), &len);
  for (int i = 0; i < 4; ++i) {
    int f = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    ::connect(f, reinterpret_cast<sockaddr*>(&a), sizeof a);
    fillers.push_back(f);
  }
  std::this_thread::sleep_for(50ms);
  SocketTransport transport;
  Request r = get("http://127.0.0.1:" + std::to_string(ntohs(a.sin_port)) + "/", 2000ms);
  r.connect_timeout = 200ms;
  auto start = std::chrono::steady_clock::now();
  auto reply = transport.send(r);
  auto took = std::chrono::steady_clock::now() - start;
  for (int f : fillers) ::close(f);
  ::close(l);
  if (reply || reply.error().code != "RequestTimeout") GTEST_SKIP() << "this kernel did not drop the SYN";
  EXPECT_NE(reply.error().message.find("connect"), std::string::npos) << reply.error().message;
  EXPECT_LT(took, 1000ms);
}

TEST(SocketTransport, ClosedMidReply) {
  LoopbackServer server(reply_with("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly part", false));
  SocketTransport transport;
  auto reply = transport.send(get(server.url("/")));
  ASSERT_FALSE(reply);
  EXPECT_EQ(reply.error().code, "NetworkError");
  EXPECT_NE(reply.error().message.find("middle"), std::string::npos) << reply.error().message;
}

TEST(SocketTransport, ClosedWithoutReply) {
  LoopbackServer server(reply_with("", false));
  SocketTransport transport;
  auto reply = transport.send(get(server.url("/")));
  ASSERT_FALSE(reply);
  EXPECT_EQ(reply.error().code, "NetworkError");
}

TEST(SocketTransport, NotHttp) {
  LoopbackServer server(reply_with("SSH-2.0-OpenSSH_9.2\r\n\r\n", false));
  SocketTransport transport;
  auto reply = transport.send(get(server.url("/")));
  ASSERT_FALSE(reply);
  EXPECT_EQ(reply.error().code, "InvalidReply");
}

TEST(SocketTransport, HttpsToPlainServerFailsTls) {
  LoopbackServer server(reply_with("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n", false));
  SocketTransport transport;
  auto reply = transport.send(get("https://127.0.0.1:" + std::to_string(server.port()) + "/"));
  ASSERT_FALSE(reply);
  EXPECT_EQ(reply.error().code, "NetworkError");
  EXPECT_NE(reply.error().message.find("TLS"), std::string::npos) << reply.error().message;
}

TEST(SocketTransport, MissingCaFileIsAnError) {
  LoopbackServer server(reply_with("", false));
  SocketTransport transport({.ca_file = "/nonexistent/ca.pem"});
  auto reply = transport.send(get("https://127.0.0.1:" + std::to_string(server.port()) + "/"));
  ASSERT_FALSE(reply);
  EXPECT_EQ(reply.error().code, "NetworkError");
  EXPECT_NE(reply.error().message.find("/nonexistent/ca.pem"), std::string::npos) << reply.error().message;
}

TEST(SocketTransport, BadUrl) {
  SocketTransport transport;
  auto reply = transport.send(get("ftp://example.com/"));
  ASSERT_FALSE(reply);
  EXPECT_EQ(reply.error().code, "InvalidConfig");
}

TEST(SocketTransport, HostNameResolved) {
  // "localhost" goes through getaddrinfo's name path (it may give ::1 first, where nothing
  // listens: the next address is tried).
  LoopbackServer server(reply_with("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"));
  SocketTransport transport;
  auto reply = transport.send(get("http://localhost:" + std::to_string(server.port()) + "/"));
  ASSERT_TRUE(reply) << reply.error().describe();
  EXPECT_EQ(reply->body, "ok");
  EXPECT_NE(server.requests()[0].find("Host: localhost:"), std::string::npos);
}

}  // namespace
}  // namespace spawn::aws::http
