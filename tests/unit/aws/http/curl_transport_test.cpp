// CurlTransport (spawn's) against a loopback server run by the test itself
// (support/loopback_server.hpp): the same rules for a reply's framing and size as spored's
// transport (transport.hpp).
#include "spawn/aws/http/curl_transport.hpp"

#include <sys/socket.h>

#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "../../support/loopback_server.hpp"

namespace spawn::aws::http {
namespace {

using namespace std::chrono_literals;
using test::LoopbackServer;
using test::reply_with;
using test::write_text;

Request get(const std::string& url) {
  Request r;
  r.url = url;
  r.timeout = 5000ms;
  r.connect_timeout = 5000ms;
  return r;
}

TEST(CurlTransport, FramedReplies) {
  LoopbackServer length(reply_with("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello"));
  LoopbackServer chunked(reply_with("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n"));
  CurlTransport transport;
  auto a = transport.send(get(length.url("/")));
  ASSERT_TRUE(a) << a.error().describe();
  EXPECT_EQ(a->body, "hello");
  auto b = transport.send(get(chunked.url("/")));
  ASSERT_TRUE(b) << b.error().describe();
  EXPECT_EQ(b->body, "abcde");
}

TEST(CurlTransport, BodyUntilCloseRefusedUnlessAllowed) {
  LoopbackServer server(reply_with("HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n<DescribeInstancesResponse><reservat", false));
  CurlTransport transport;
  auto refused = transport.send(get(server.url("/")));
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, "InvalidReply");
  EXPECT_EQ(refused.error().http_status, 0);

  Request r = get(server.url("/"));
  r.framing = Framing::close_allowed;
  auto allowed = transport.send(r);
  ASSERT_TRUE(allowed) << allowed.error().describe();
  EXPECT_EQ(allowed->body, "<DescribeInstancesResponse><reservat");
}

TEST(CurlTransport, ContentLengthOverTheLimitRefused) {
  LoopbackServer server(reply_with("HTTP/1.1 200 OK\r\nContent-Length: 2048\r\n\r\n" + std::string(2048, 'x')));
  CurlTransport transport;
  Request r = get(server.url("/"));
  r.max_body = 1024;
  auto reply = transport.send(r);
  ASSERT_FALSE(reply);
  EXPECT_EQ(reply.error().code, "ReplyTooLarge");
  EXPECT_NE(reply.error().message.find("1024 bytes"), std::string::npos) << reply.error().message;
  r.max_body = 2048;
  auto exact = transport.send(r);
  ASSERT_TRUE(exact) << exact.error().describe();
  EXPECT_EQ(exact->body.size(), 2048u);
}

TEST(CurlTransport, ChunkedBodyOverTheLimitStopsTheRead) {
  // No length up front: the write callback stops it as the bytes come (64 MiB were on offer).
  LoopbackServer server([](int fd, const std::string&) {
    write_text(fd, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n");
    const std::string chunk = "10000\r\n" + std::string(0x10000, 'x') + "\r\n";
    for (int i = 0; i < 1024; ++i) {
      if (::send(fd, chunk.data(), chunk.size(), MSG_NOSIGNAL) <= 0) break;
    }
    return false;
  });
  CurlTransport transport;
  Request r = get(server.url("/"));
  r.max_body = 100 * 1024;
  auto reply = transport.send(r);
  ASSERT_FALSE(reply);
  EXPECT_EQ(reply.error().code, "ReplyTooLarge");
}

}  // namespace
}  // namespace spawn::aws::http
