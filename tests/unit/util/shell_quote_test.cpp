#include "spawn/util/shell_quote.hpp"

#include <gtest/gtest.h>

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

using spawn::util::shell_quote;

namespace {

// Runs `script` with `shell` and returns what it printed; the script is a file, so no other
// shell ever sees the quoted text.
std::string run_with(const std::string& shell, const std::string& script) {
  namespace fs = std::filesystem;
  fs::path dir = fs::temp_directory_path() / ("shell_quote_test." + std::to_string(::getpid()));
  fs::create_directories(dir);
  {
    std::ofstream(dir / "script.sh", std::ios::binary) << script;
  }
  std::string command = shell + " " + (dir / "script.sh").string() + " > " + (dir / "out").string() + " 2>&1";
  int status = std::system(command.c_str());
  std::ifstream in(dir / "out", std::ios::binary);
  std::stringstream buf;
  buf << in.rdbuf();
  fs::remove_all(dir);
  EXPECT_EQ(status, 0) << buf.str();
  return buf.str();
}

const std::vector<std::string> k_hostile = {
    "",
    "plain",
    "it's",
    "'",
    "''",
    "\"double\" quotes",
    "$(touch /tmp/spawn-pwned)",
    "`id`",
    "${HOME}",
    "$HOME",
    "back\\slash\\",
    "new\nline\n",
    "tab\tand space",
    "semi; rm -rf /",
    "a && b || c | d > e < f",
    "*?[glob]",
    "~user",
    "#comment",
    "-n",
    "caf\xc3\xa9 \xe2\x9c\x93 \xf0\x9f\x9a\x80",  // é ✓ 🚀
    "\x01\x7f\xff raw bytes",
    "'$(echo x)'\"`y`\"",
};

}  // namespace

TEST(ShellQuote, WrapsInSingleQuotes) {
  EXPECT_EQ(shell_quote("abc"), "'abc'");
  EXPECT_EQ(shell_quote(""), "''");
  EXPECT_EQ(shell_quote("it's"), "'it'\\''s'");
  EXPECT_EQ(shell_quote("$(x)"), "'$(x)'");
}

TEST(ShellQuote, RefusesNul) {
  EXPECT_THROW(shell_quote(std::string("a\0b", 3)), std::invalid_argument);
}

TEST(ShellQuote, EveryHostileValueRoundTripsThroughBashAndSh) {
  for (const char* shell : {"bash", "sh"}) {
    std::string script;
    for (const auto& v : k_hostile) script += "printf '%s\\036' " + shell_quote(v) + "\n";
    std::string expected;
    for (const auto& v : k_hostile) expected += v + "\x1e";
    EXPECT_EQ(run_with(shell, script), expected) << shell;
  }
}

TEST(ShellQuote, QuotedValueIsOneWordInAssignmentsAndArguments) {
  // x=<quoted>; set -- <quoted>: one word each, no splitting, no globbing, no expansion.
  std::string script;
  for (const auto& v : k_hostile)
    script += "x=" + shell_quote(v) + "; set -- " + shell_quote(v) + "; printf '%s|%s|%s\\036' \"$#\" \"$x\" \"$1\"\n";
  std::string expected;
  for (const auto& v : k_hostile) expected += "1|" + v + "|" + v + "\x1e";
  EXPECT_EQ(run_with("bash", script), expected);
}
