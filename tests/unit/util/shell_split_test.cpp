#include "spawn/util/shell_split.hpp"

#include <gtest/gtest.h>

using spawn::util::shell_split;
using Words = std::vector<std::string>;

// Expectations are what Python's shlex.split gives for the same line.
TEST(ShellSplit, SplitsOnBlanksAndKeepsQuotedTextTogether) {
  EXPECT_EQ(*shell_split("a  b\tc\nd"), (Words{"a", "b", "c", "d"}));
  EXPECT_EQ(*shell_split("  /usr/bin/helper --profile 'my dev' \"x y\"  "),
            (Words{"/usr/bin/helper", "--profile", "my dev", "x y"}));
  EXPECT_EQ(*shell_split(""), Words{});
  EXPECT_EQ(*shell_split("   "), Words{});
}

TEST(ShellSplit, EscapesFollowPosixShellRules) {
  EXPECT_EQ(*shell_split(R"(a\ b)"), Words{"a b"});
  EXPECT_EQ(*shell_split(R"('a\b')"), Words{R"(a\b)"});       // nothing escapes in single quotes
  EXPECT_EQ(*shell_split(R"("a\b")"), Words{R"(a\b)"});       // backslash kept before other chars
  EXPECT_EQ(*shell_split(R"("a\"b\\c")"), Words{R"(a"b\c)"});
  EXPECT_EQ(*shell_split(R"(a"b c"'d e'f)"), Words{"ab cd ef"});  // adjacent parts join
  EXPECT_EQ(*shell_split("'' \"\""), (Words{"", ""}));             // empty words survive
}

TEST(ShellSplit, ShellSyntaxIsJustText) {
  EXPECT_EQ(*shell_split("helper; rm -rf / | cat $HOME `id` #x"),
            (Words{"helper;", "rm", "-rf", "/", "|", "cat", "$HOME", "`id`", "#x"}));
}

TEST(ShellSplit, UnclosedQuotesAndTrailingBackslashAreErrors) {
  EXPECT_FALSE(shell_split("a 'b"));
  EXPECT_FALSE(shell_split("a \"b"));
  EXPECT_FALSE(shell_split("a \\"));
}
