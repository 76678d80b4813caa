#include "spawn/util/help_format.hpp"

#include <gtest/gtest.h>

TEST(HelpFormat, GnuStyleNamesAndTwoSpacesBeforeTheDescription) {
  CLI::App app{"tool", "tool"};
  app.formatter(spawn::util::help_formatter());
  std::string a, b;
  app.add_option("--instance-type,-t", a, "the type");
  app.add_option("--twenty-six-characters-xx", b, "fills the column");  // "  --...xx TEXT" is 33 wide
  const std::string help = app.help();
  EXPECT_NE(help.find("  -h, --help                  Print this help message and exit\n"), std::string::npos) << help;
  EXPECT_NE(help.find("  -t, --instance-type TEXT    the type\n"), std::string::npos) << help;
  EXPECT_NE(help.find("  --twenty-six-characters-xx TEXT\n                              fills the column\n"),
            std::string::npos) << help;
}

TEST(HelpFormat, SubcommandsCopyIt) {
  CLI::App app{"tool", "tool"};
  app.formatter(spawn::util::help_formatter());
  auto* sub = app.add_subcommand("run", "Run");
  std::string a;
  sub->add_option("--iam-instance-profile", a, "27 wide with its type: one space in CLI11's own");
  EXPECT_NE(sub->help().find("  --iam-instance-profile TEXT\n"), std::string::npos) << sub->help();
}
