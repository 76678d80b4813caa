#include "spawn/cli/terminal.hpp"

#include <gtest/gtest.h>

using spawn::aws::config::fixed_environment;
using spawn::cli::Emoji;
using spawn::cli::emoji_for;

TEST(Terminal, EmojiOnAUtf8TerminalOnly) {
  EXPECT_EQ(emoji_for(false, fixed_environment({{"LANG", "en_US.UTF-8"}}), true), Emoji::yes);
  EXPECT_EQ(emoji_for(false, fixed_environment({{"LANG", "C.utf8"}}), true), Emoji::yes);
  EXPECT_EQ(emoji_for(false, fixed_environment({{"LANG", "en_US.UTF-8"}}), false), Emoji::no);  // a pipe
  EXPECT_EQ(emoji_for(true, fixed_environment({{"LANG", "en_US.UTF-8"}}), true), Emoji::no);   // --no-emoji
  EXPECT_EQ(emoji_for(false, fixed_environment({{"LANG", "en_US.UTF-8"}, {"NO_COLOR", "1"}}), true), Emoji::no);
  EXPECT_EQ(emoji_for(false, fixed_environment({{"LANG", "en_US.UTF-8"}, {"NO_COLOR", ""}}), true), Emoji::yes);
  EXPECT_EQ(emoji_for(false, fixed_environment({{"LANG", "C"}}), true), Emoji::no);
  EXPECT_EQ(emoji_for(false, fixed_environment({}), true), Emoji::no);  // no locale: C
}

TEST(Terminal, LocaleVariablesInPosixOrder) {
  EXPECT_EQ(emoji_for(false, fixed_environment({{"LC_ALL", "C"}, {"LANG", "en_US.UTF-8"}}), true), Emoji::no);
  EXPECT_EQ(emoji_for(false, fixed_environment({{"LC_ALL", "en_US.UTF-8"}, {"LANG", "C"}}), true), Emoji::yes);
  EXPECT_EQ(emoji_for(false, fixed_environment({{"LC_CTYPE", "POSIX"}, {"LANG", "en_US.UTF-8"}}), true), Emoji::no);
  EXPECT_EQ(emoji_for(false, fixed_environment({{"LC_CTYPE", "de_DE.UTF-8"}}), true), Emoji::yes);
}
