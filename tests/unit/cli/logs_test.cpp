// spawn logs' pure parts: what reaches the terminal, and what --follow prints next.
#include "spawn/cli/logs_command.hpp"

#include <gtest/gtest.h>

namespace spawn::cli {
namespace {

TEST(Logs, ConsoleTextCannotDriveTheTerminal) {
  EXPECT_EQ(terminal_safe("line 1\r\nline\t2\n"), "line 1\nline\t2\n");
  EXPECT_EQ(terminal_safe("\x1b]0;owned\x07red \x1b[31mX\n"), "\\x1b]0;owned\\x07red \\x1b[31mX\n");
  EXPECT_EQ(terminal_safe("ünïcode ✓\n"), "ünïcode ✓\n");
}

TEST(Logs, FollowPrintsOnlyWhatIsNew) {
  EXPECT_EQ(new_console_text("", "a\n"), "a\n");
  EXPECT_EQ(new_console_text("a\n", "a\nb\n"), "b\n");
  EXPECT_EQ(new_console_text("a\nb\n", "a\nb\n"), "");
  // EC2's buffer moved on: the start of what was shown is gone.
  EXPECT_EQ(new_console_text("old\nmiddle line\n", "middle line\nnew\n"), "new\n");
  EXPECT_EQ(new_console_text("gone\n", "all new\n"), "all new\n");
}

}  // namespace
}  // namespace spawn::cli
