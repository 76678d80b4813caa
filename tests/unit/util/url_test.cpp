#include "spawn/util/url.hpp"

#include <gtest/gtest.h>

using namespace spawn::util;

TEST(Url, Parse) {
  auto u = parse_url("http://127.0.0.1:5000");
  ASSERT_TRUE(u);
  EXPECT_EQ(u->host, "127.0.0.1");
  EXPECT_EQ(u->port, 5000);
  EXPECT_EQ(u->path, "/");
  EXPECT_EQ(u->authority(), "127.0.0.1:5000");
  auto h = parse_url("HTTPS://ec2.us-east-1.amazonaws.com/base?x=1#frag");
  ASSERT_TRUE(h);
  EXPECT_EQ(h->scheme, "https");
  EXPECT_EQ(h->port, 443);
  EXPECT_EQ(h->authority(), "ec2.us-east-1.amazonaws.com");
  EXPECT_EQ(h->path, "/base");
  EXPECT_EQ(h->query, "x=1");
  auto v6 = parse_url("http://[::1]:8080/");
  ASSERT_TRUE(v6);
  EXPECT_EQ(v6->host, "::1");
  EXPECT_EQ(v6->authority(), "[::1]:8080");
  for (const char* bad : {"", "ftp://x", "http://", "http://:80", "http://h:0", "http://h:99999", "http://u@h/", "localhost:5000"})
    EXPECT_FALSE(parse_url(bad)) << bad;
}

// Found by fuzz/url_fuzz.cpp: these went into the request line and the Host header as they were.
TEST(Url, RefusesSpacesAndControlCharacters) {
  using namespace std::string_literals;
  for (const std::string bad : {"http://h/a b"s, "http://h /x"s, "https://b.s3.amazonaws.com/x HTTP/1.1\r\nX-Evil: 1"s,
                                "http://h\n/"s, "http://h/\t"s, "http://h/\x7f"s, "http://h\0x/"s, " http://h/"s})
    EXPECT_FALSE(parse_url(bad)) << bad;
  EXPECT_TRUE(parse_url("http://h/a%20b?q=%0D%0A"));
}

// Found by fuzz/url_fuzz.cpp: "a:b" was taken as a host, and authority() wrote it as "[a:b]".
TEST(Url, RefusesColonsAndBracketsInAHostWithoutBrackets) {
  for (const char* bad : {"http://::1/", "http://a:b:80/", "http://a]b/", "http://a[b/", "http://[a[b]/"})
    EXPECT_FALSE(parse_url(bad)) << bad;
  auto v6 = parse_url("http://[fd00:ec2::254]/latest/api/token");
  ASSERT_TRUE(v6);
  EXPECT_EQ(v6->host, "fd00:ec2::254");
  EXPECT_EQ(v6->origin(), "http://[fd00:ec2::254]");
}

TEST(Url, Encoding) {
  EXPECT_EQ(percent_encode("a b/c~d_e.f-g"), "a%20b%2Fc~d_e.f-g");
  EXPECT_EQ(percent_decode("a%20b+c", true), "a b c");
  EXPECT_EQ(percent_decode("100%", false), "100%");
  EXPECT_EQ(form_encode({{"Action", "RunInstances"}, {"Tag.1.Value", "a&b=c"}}), "Action=RunInstances&Tag.1.Value=a%26b%3Dc");
}
