#include "spawn/cli/choices.hpp"

#include <gtest/gtest.h>

#include "spawn/model/spot_options.hpp"

using spawn::cli::offer_choices;
using spawn::cli::offered_choices;

TEST(Choices, ShownAsTheTypeAndReadBack) {
  CLI::App app;
  std::string value;
  auto* option = offer_choices(app.add_option("--on-interruption", value, "what"),
                               spawn::cli::names_of(spawn::model::k_on_interruptions));
  EXPECT_EQ(option->get_type_name(), "checkpoint|hibernate|terminate");
  EXPECT_EQ(offered_choices(*option), (std::vector<std::string>{"checkpoint", "hibernate", "terminate"}));
  EXPECT_NE(app.help().find("--on-interruption checkpoint|hibernate|terminate"), std::string::npos) << app.help();
}

TEST(Choices, NothingForOtherOptions) {
  CLI::App app;
  std::string a, b;
  EXPECT_TRUE(offered_choices(*app.add_option("--a", a, "text")).empty());       // TEXT
  EXPECT_TRUE(offered_choices(*app.add_option("--b", b)->type_name("PATH|URL")).empty());  // not words
}

TEST(Choices, ChecksNothingItself) {
  CLI::App app;
  std::string value;
  offer_choices(app.add_option("--mode", value), {"a", "b"});
  const char* argv[] = {"app", "--mode", "c"};
  EXPECT_NO_THROW(app.parse(3, const_cast<char**>(argv)));  // the command's own check says why
  EXPECT_EQ(value, "c");
}

TEST(Choices, RefusesWhatIsNotAWordList) {
  CLI::App app;
  std::string value;
  EXPECT_THROW(offer_choices(app.add_option("--x", value), {"only-one"}), std::logic_error);
  EXPECT_THROW(offer_choices(app.add_option("--y", value), {"a b", "c"}), std::logic_error);
}
