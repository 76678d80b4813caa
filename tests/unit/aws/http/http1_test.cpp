#include "spawn/aws/http/http1.hpp"

#include <gtest/gtest.h>

#include <random>

namespace spawn::aws::http::http1 {
namespace {

util::Url url_of(const std::string& text) { return *util::parse_url(text); }

// Feeds the reply whole, then byte by byte: both must give the same result.
template <class Check>
void parse_both_ways(std::string_view wire, bool head_request, Check check) {
  const ParserOptions options{.head_request = head_request ? HeadRequest::yes : HeadRequest::no};
  ResponseParser whole(options);
  ASSERT_TRUE(whole.feed(wire)) << wire;
  check(whole);
  ResponseParser bytes(options);
  for (char c : wire) ASSERT_TRUE(bytes.feed(std::string_view(&c, 1))) << wire;
  check(bytes);
}

TEST(Http1Request, GetWithHostAndQuery) {
  Request r;
  r.url = "http://169.254.169.254/latest/meta-data/instance-id?x=1";
  r.headers = {{"X-aws-ec2-metadata-token", "abc"}};
  EXPECT_EQ(format_request(r, url_of(r.url), KeepAlive::yes),
            "GET /latest/meta-data/instance-id?x=1 HTTP/1.1\r\n"
            "Host: 169.254.169.254\r\n"
            "X-aws-ec2-metadata-token: abc\r\n"
            "\r\n");
}

TEST(Http1Request, PutWithoutBodySaysContentLengthZero) {
  Request r;
  r.method = "PUT";
  r.url = "http://127.0.0.1:8080/latest/api/token";
  r.headers = {{"X-aws-ec2-metadata-token-ttl-seconds", "21600"}};
  EXPECT_EQ(format_request(r, url_of(r.url), KeepAlive::no),
            "PUT /latest/api/token HTTP/1.1\r\n"
            "Host: 127.0.0.1:8080\r\n"
            "X-aws-ec2-metadata-token-ttl-seconds: 21600\r\n"
            "Content-Length: 0\r\n"
            "Connection: close\r\n"
            "\r\n");
}

TEST(Http1Request, CallerHostAndBodyKept) {
  Request r;
  r.method = "POST";
  r.url = "https://sns.us-east-1.amazonaws.com/";
  r.headers = {{"host", "sns.us-east-1.amazonaws.com"}, {"Content-Type", "application/x-www-form-urlencoded"}};
  r.body = "Action=Publish";
  EXPECT_EQ(format_request(r, url_of(r.url), KeepAlive::yes),
            "POST / HTTP/1.1\r\n"
            "host: sns.us-east-1.amazonaws.com\r\n"
            "Content-Type: application/x-www-form-urlencoded\r\n"
            "Content-Length: 14\r\n"
            "\r\n"
            "Action=Publish");
}

TEST(Http1Response, ContentLength) {
  parse_both_ways("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nX-Aws-Ec2-Metadata-Token-Ttl-Seconds: 21583\r\n\r\nhello",
                  false, [](ResponseParser& p) {
                    ASSERT_TRUE(p.done());
                    EXPECT_EQ(p.response().status, 200);
                    EXPECT_EQ(p.response().body, "hello");
                    EXPECT_EQ(p.response().header("x-aws-ec2-metadata-token-ttl-seconds"), "21583");
                    EXPECT_TRUE(p.reusable());
                  });
}

TEST(Http1Response, ZeroLengthAndConnectionClose) {
  parse_both_ways("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n", false,
                  [](ResponseParser& p) {
                    ASSERT_TRUE(p.done());
                    EXPECT_EQ(p.response().status, 404);
                    EXPECT_FALSE(p.reusable());
                  });
}

TEST(Http1Response, Chunked) {
  parse_both_ways(
      "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
      "5;ext=1\r\nhello\r\n"
      "1A\r\n abcdefghijklmnopqrstuvwxy\r\n"
      "0\r\nX-Trailer: t\r\n\r\n",
      false, [](ResponseParser& p) {
        ASSERT_TRUE(p.done());
        EXPECT_EQ(p.response().body, "hello abcdefghijklmnopqrstuvwxy");
        EXPECT_TRUE(p.reusable());
      });
}

TEST(Http1Response, ReadUntilCloseWhenAllowed) {
  ResponseParser p({.framing = Framing::close_allowed});
  ASSERT_TRUE(p.feed("HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\npart one, "));
  ASSERT_TRUE(p.feed("part two"));
  EXPECT_FALSE(p.done());
  ASSERT_TRUE(p.finish());
  EXPECT_TRUE(p.done());
  EXPECT_EQ(p.response().body, "part one, part two");
  EXPECT_FALSE(p.reusable());
}

TEST(Http1Response, UnframedBodyRefusedByDefault) {
  // Nothing tells a whole body from one cut by the connection closing: refused before it is read.
  for (std::string_view wire : {
           std::string_view("HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\n#!/bin/sh\nrm -rf /tmp/work"),
           std::string_view("HTTP/1.1 200 OK\r\n\r\n"),
           std::string_view("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\nContent-Length: 3\r\n\r\nabc"),
       }) {
    ResponseParser p;
    auto r = p.feed(wire);
    ASSERT_FALSE(r) << wire;
    EXPECT_EQ(r.error().code, "InvalidReply") << wire;
    EXPECT_NE(r.error().message.find("neither Content-Length nor chunked"), std::string::npos) << r.error().message;
    EXPECT_TRUE(p.response().body.empty());
  }
  // Replies that have no body need no framing.
  ResponseParser head({.head_request = HeadRequest::yes});
  EXPECT_TRUE(head.feed("HTTP/1.1 200 OK\r\n\r\n"));
  EXPECT_TRUE(head.done());
  ResponseParser not_modified;
  EXPECT_TRUE(not_modified.feed("HTTP/1.1 304 Not Modified\r\nETag: \"x\"\r\n\r\n"));
  EXPECT_TRUE(not_modified.done());
}

TEST(Http1Response, Http10KeepAliveOnlyWhenAsked) {
  parse_both_ways("HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok", false,
                  [](ResponseParser& p) { EXPECT_FALSE(p.reusable()); });
  parse_both_ways("HTTP/1.0 200 OK\r\nConnection: Keep-Alive\r\nContent-Length: 2\r\n\r\nok", false,
                  [](ResponseParser& p) { EXPECT_TRUE(p.reusable()); });
}

TEST(Http1Response, InterimRepliesSkipped) {
  parse_both_ways("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\nContent-Length: 1\r\n\r\nx", false,
                  [](ResponseParser& p) {
                    ASSERT_TRUE(p.done());
                    EXPECT_EQ(p.response().status, 201);
                    EXPECT_EQ(p.response().body, "x");
                  });
}

TEST(Http1Response, HeadAnd204HaveNoBody) {
  parse_both_ways("HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n", true, [](ResponseParser& p) {
    EXPECT_TRUE(p.done());
    EXPECT_EQ(p.response().body, "");
  });
  parse_both_ways("HTTP/1.1 204 No Content\r\n\r\n", false, [](ResponseParser& p) { EXPECT_TRUE(p.done()); });
}

TEST(Http1Response, BareLineFeedsAndFoldedHeaders) {
  parse_both_ways("HTTP/1.1 200 OK\nX-Long: a\n  b\nContent-Length: 2\n\nok", false, [](ResponseParser& p) {
    ASSERT_TRUE(p.done());
    EXPECT_EQ(p.response().header("x-long"), "a b");
    EXPECT_EQ(p.response().body, "ok");
  });
}

TEST(Http1Response, Truncated) {
  ResponseParser p;
  ASSERT_TRUE(p.feed("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc"));
  EXPECT_FALSE(p.done());
  auto r = p.finish();
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, "NetworkError");
  EXPECT_NE(r.error().message.find("body 3 of 10 bytes"), std::string::npos) << r.error().message;
  EXPECT_NE(r.error().message.find("truncated"), std::string::npos) << r.error().message;
  EXPECT_FALSE(p.done());
  EXPECT_TRUE(p.started());

  ResponseParser nothing;
  auto n = nothing.finish();
  ASSERT_FALSE(n);
  EXPECT_FALSE(nothing.started());
  EXPECT_NE(n.error().message.find("before any reply"), std::string::npos);

  // A chunked body cut inside a chunk, and one cut after whole chunks but before the last
  // (zero-size) chunk: both truncated, whatever close_allowed says.
  for (std::string_view wire : {
           std::string_view("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhel"),
           std::string_view("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n"),
           std::string_view("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n"),
       }) {
    ResponseParser chunked({.framing = Framing::close_allowed});
    ASSERT_TRUE(chunked.feed(wire)) << wire;
    auto c = chunked.finish();
    ASSERT_FALSE(c) << wire;
    EXPECT_EQ(c.error().code, "NetworkError");
    EXPECT_NE(c.error().message.find("truncated"), std::string::npos) << c.error().message;
    EXPECT_FALSE(chunked.done());
  }

  // The same cut in the head.
  ResponseParser head;
  ASSERT_TRUE(head.feed("HTTP/1.1 200 OK\r\nContent-Len"));
  EXPECT_FALSE(head.finish());
}

TEST(Http1Response, BodyOverTheLimitRefusedWhileReading) {
  // A Content-Length over the limit: refused from the head, before a byte of the body.
  ResponseParser length({.max_body = 1024});
  auto l = length.feed("HTTP/1.1 200 OK\r\nContent-Length: 1025\r\n\r\n");
  ASSERT_FALSE(l);
  EXPECT_EQ(l.error().code, "ReplyTooLarge");
  EXPECT_NE(l.error().message.find("1024 bytes"), std::string::npos) << l.error().message;

  // Exactly the limit is fine.
  ResponseParser exact({.max_body = 4});
  ASSERT_TRUE(exact.feed("HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nabcd"));
  EXPECT_TRUE(exact.done());

  // Chunks: refused at the chunk that would pass the limit, with what came before not grown.
  ResponseParser chunked({.max_body = 8});
  ASSERT_TRUE(chunked.feed("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n"));
  auto c = chunked.feed("4\r\n");
  ASSERT_FALSE(c);
  EXPECT_EQ(c.error().code, "ReplyTooLarge");
  EXPECT_EQ(chunked.response().body, "hello");
  // A chunk size near 2^64 does not wrap around the check.
  ResponseParser huge({.max_body = 8});
  auto h = huge.feed("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nx\r\nffffffffffffffff\r\n");
  ASSERT_FALSE(h);
  EXPECT_EQ(h.error().code, "ReplyTooLarge");

  // Until the close: refused as the bytes come, the piece that passes the limit not kept.
  ResponseParser until_close({.framing = Framing::close_allowed, .max_body = 10});
  ASSERT_TRUE(until_close.feed("HTTP/1.0 200 OK\r\n\r\n0123456789"));
  auto u = until_close.feed("X");
  ASSERT_FALSE(u);
  EXPECT_EQ(u.error().code, "ReplyTooLarge");
  EXPECT_EQ(until_close.response().body.size(), 10u);

  // The default is k_default_max_body (16 MiB).
  ResponseParser by_default;
  auto d = by_default.feed("HTTP/1.1 200 OK\r\nContent-Length: " + std::to_string(k_default_max_body + 1) + "\r\n\r\n");
  ASSERT_FALSE(d);
  EXPECT_EQ(d.error().code, "ReplyTooLarge");
}

TEST(Http1Response, Malformed) {
  for (std::string_view wire : {
           std::string_view("SSH-2.0-OpenSSH_9.2\r\n\r\n"),
           std::string_view("HTTP/1.1 2x0 OK\r\n\r\n"),
           std::string_view("HTTP/1.1 200 OK\r\nno colon here\r\n\r\n"),
           std::string_view("HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n"),
           std::string_view("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n"),
           std::string_view("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabc\r\n"),
           std::string_view("HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nab"),
       }) {
    ResponseParser p;
    auto r = p.feed(wire);
    ASSERT_FALSE(r) << wire;
    EXPECT_EQ(r.error().code, "InvalidReply") << wire;
    EXPECT_EQ(r.error().http_status, 0);
  }
}

TEST(Http1Response, HeadTooLarge) {
  ResponseParser p;
  std::string wire = "HTTP/1.1 200 OK\r\nX-Big: " + std::string(ResponseParser::k_max_head + 10, 'a');
  auto r = p.feed(wire);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, "InvalidReply");
}

TEST(Http1Response, AnySplitGivesTheSameReply) {
  const std::string wire =
      "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nX-A: 1\r\n\r\n3\r\nabc\r\n2;x=y\r\nde\r\n0\r\n\r\n";
  for (size_t i = 0; i <= wire.size(); ++i) {
    for (size_t j = i; j <= wire.size(); ++j) {
      ResponseParser p;
      ASSERT_TRUE(p.feed(std::string_view(wire).substr(0, i)));
      ASSERT_TRUE(p.feed(std::string_view(wire).substr(i, j - i)));
      ASSERT_TRUE(p.feed(std::string_view(wire).substr(j)));
      ASSERT_TRUE(p.done()) << i << " " << j;
      EXPECT_EQ(p.response().body, "abcde");
    }
  }
}

TEST(Http1Response, RandomBytesNeverCrash) {
  // Not a fuzzer, but the same spirit: arbitrary input gives an error or "need more", never UB
  // (run under SPAWN_SANITIZE to mean something).
  std::mt19937 random(20261127);
  static constexpr char k_alphabet[] = "HTTP/1.1 200\r\n:;0123456789abcdefChunkedTransfer-Encoding\x00\xff";
  const std::string alphabet(k_alphabet, sizeof k_alphabet - 1);  // the NUL inside counts
  for (int n = 0; n < 2000; ++n) {
    std::string wire = n % 2 ? "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" : "";
    size_t length = random() % 200;
    for (size_t i = 0; i < length; ++i) wire += alphabet[random() % alphabet.size()];
    ResponseParser p({.framing = n % 3 ? Framing::required : Framing::close_allowed, .max_body = 64});
    if (p.feed(wire)) (void)p.finish();
    EXPECT_LE(p.response().body.size(), 64u);
  }
}

}  // namespace
}  // namespace spawn::aws::http::http1
