#include "spawn/aws/config/ini_file.hpp"

#include <gtest/gtest.h>

using spawn::aws::config::IniFile;
using spawn::aws::config::parse_ini;

namespace {

IniFile parsed(std::string_view text) {
  auto f = parse_ini(text, "/test/config");
  EXPECT_TRUE(f) << f.error().message;
  return f ? *f : IniFile{};
}

std::string value(const IniFile& f, std::string_view section, std::string_view key) {
  const auto* s = f.find(section);
  if (s == nullptr) return "<no section>";
  const auto* v = s->find(key);
  return v == nullptr ? "<no key>" : v->text;
}

std::string error_of(std::string_view text) {
  auto f = parse_ini(text, "/test/config");
  EXPECT_FALSE(f);
  if (f) return {};
  EXPECT_EQ(f.error().code, "InvalidConfig");
  return f.error().message;
}

}  // namespace

// The expectations below are what Python's configparser.RawConfigParser (botocore's parser)
// gives for the same text.
TEST(IniFile, CommentsAreWholeLinesOnly) {
  auto f = parsed("# top\n[default]\nregion = us-east-1 # not a comment\n; comment\n  # indented comment\nkey:value\n");
  EXPECT_EQ(value(f, "default", "region"), "us-east-1 # not a comment");
  EXPECT_EQ(value(f, "default", "key"), "value");
}

TEST(IniFile, KeysAreLowerCasedAndSplitAtTheFirstDelimiter) {
  auto f = parsed("[a]\nAWS_Access_Key_ID=AKIA\nurl = http://h:80/p\nx : y = z\nk2   =   spaced value  \n");
  EXPECT_EQ(value(f, "a", "aws_access_key_id"), "AKIA");
  EXPECT_EQ(value(f, "a", "AWS_ACCESS_KEY_ID"), "AKIA");  // find() takes any case
  EXPECT_EQ(value(f, "a", "url"), "http://h:80/p");
  EXPECT_EQ(value(f, "a", "x"), "y = z");
  EXPECT_EQ(value(f, "a", "k2"), "spaced value");
}

TEST(IniFile, ContinuationLinesAndBlankLinesInsideValues) {
  auto f = parsed("[default]\nmulti = a\n  b\n\n  c\n\nnext = d\n");
  EXPECT_EQ(value(f, "default", "multi"), "a\nb\n\nc");
  EXPECT_EQ(value(f, "default", "next"), "d");
  // Indented deeper than the key, even a [header] is part of the value.
  auto g = parsed("[a]\nk = v\n  [b]\n");
  EXPECT_EQ(value(g, "a", "k"), "v\n[b]");
  EXPECT_EQ(g.find("b"), nullptr);
}

TEST(IniFile, IndentedKeysRightAfterAHeaderAreKeys) {
  auto f = parsed("[a]\n  k = 1\n  m = 2\n");
  EXPECT_EQ(value(f, "a", "k"), "1");
  EXPECT_EQ(value(f, "a", "m"), "2");
}

TEST(IniFile, SubPropertiesKeepTheirCaseAndSkipComments) {
  auto f = parsed("[services dev]\nec2 =\n  endpoint_url = http://localhost:5000\n  # c\n  Other_Key = y\ns3 = plain\n");
  const auto* ec2 = f.find("services dev")->find("ec2");
  ASSERT_NE(ec2, nullptr);
  ASSERT_TRUE(ec2->sub_properties);
  EXPECT_EQ(ec2->text, "");
  EXPECT_EQ(ec2->sub_properties->at("endpoint_url"), "http://localhost:5000");
  EXPECT_EQ(ec2->sub_properties->at("Other_Key"), "y");
  EXPECT_FALSE(f.find("services dev")->find("s3")->sub_properties);
}

TEST(IniFile, SectionNamesAreKeptAsWritten) {
  auto f = parsed("[ spaced ] trailing\nk=1\n[profile dev]\n[a]b]\n");
  ASSERT_EQ(f.sections.size(), 3u);
  EXPECT_EQ(f.sections[0].name, " spaced ");
  EXPECT_EQ(f.sections[1].name, "profile dev");
  EXPECT_EQ(f.sections[2].name, "a]b");
  EXPECT_EQ(f.sections[1].line, 3);
}

TEST(IniFile, DefaultSectionValuesReachEverySection) {
  auto f = parsed("[DEFAULT]\nregion=x\n[a]\nk=1\n[b]\nregion=y\n");
  ASSERT_EQ(f.sections.size(), 2u);
  EXPECT_EQ(value(f, "a", "region"), "x");
  EXPECT_EQ(value(f, "b", "region"), "y");
}

TEST(IniFile, LineEndingsAndByteOrderMark) {
  auto f = parsed("\xEF\xBB\xBF[a]\r\nk = v\r\nm = w\rn = x");
  EXPECT_EQ(value(f, "a", "k"), "v");
  EXPECT_EQ(value(f, "a", "m"), "w");
  EXPECT_EQ(value(f, "a", "n"), "x");
  EXPECT_TRUE(parsed("").sections.empty());
  EXPECT_TRUE(parsed("\n# only comments\n\n").sections.empty());
}

TEST(IniFile, MalformedFilesAreErrorsNamingTheLine) {
  EXPECT_EQ(error_of("key = v\n"), "/test/config, line 1: expected a [section] header before the first setting");
  EXPECT_NE(error_of("[a]\n[b]\n[a]\n").find("line 3: section [a] appears twice"), std::string::npos);
  EXPECT_NE(error_of("[a]\nk=1\nK=2\n").find("line 3: 'k' appears twice in [a]"), std::string::npos);
  EXPECT_NE(error_of("[a]\n = v\n").find("line 2"), std::string::npos);
  EXPECT_NE(error_of("[a]\nnovalue\n").find("line 2"), std::string::npos);
  EXPECT_NE(error_of("[a]\nec2 =\n  no equals sign here\n").find("line 2: in the block under 'ec2'"), std::string::npos);
}
