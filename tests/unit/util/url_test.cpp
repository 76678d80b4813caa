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

TEST(Url, Encoding) {
  EXPECT_EQ(percent_encode("a b/c~d_e.f-g"), "a%20b%2Fc~d_e.f-g");
  EXPECT_EQ(percent_decode("a%20b+c", true), "a b c");
  EXPECT_EQ(percent_decode("100%", false), "100%");
  EXPECT_EQ(form_encode({{"Action", "RunInstances"}, {"Tag.1.Value", "a&b=c"}}), "Action=RunInstances&Tag.1.Value=a%26b%3Dc");
}
