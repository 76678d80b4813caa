#pragma once
// The layout of spawn's and spored's --help: CLI11's, with the two habits man pages need
// (help2man reads the help text to write them). Knows nothing of AWS.
#include <CLI/CLI.hpp>

#include <memory>

namespace spawn::util {

// A CLI11 formatter that names an option's spellings GNU-style ("-h, --help") and always leaves
// at least two spaces between an option and its description (a longer option moves its
// description to the next line), which is how help2man tells the two apart. Set it on the app
// before adding subcommands: they copy their parent's formatter when created.
std::shared_ptr<CLI::Formatter> help_formatter();

}  // namespace spawn::util
