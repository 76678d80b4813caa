#pragma once
// Shell completion for spawn (bash and zsh), generated from the CLI11 command tree itself: the
// commands, their options and the words of offer_choices. A new option or command is completed
// without anyone touching this file.
#include <CLI/CLI.hpp>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace spawn::cli {

struct CompletionOption {
  std::vector<std::string> names;    // as typed: "-t", "--instance-type" (short ones first)
  std::string description;           // the help's
  bool takes_value = false;
  bool repeatable = false;
  std::vector<std::string> choices;  // the words of offer_choices; empty: any value
};

struct CompletionCommand {
  std::vector<std::string> path;         // {} for spawn itself, {"agent", "upload"}
  std::string description;
  std::vector<CompletionOption> options;
  std::vector<std::string> subcommands;  // the visible ones, in the help's order
  std::vector<std::string> positionals;  // their names ("ids")
};

// Every visible command of app's tree, each parent before its children. What the help hides
// (CLI11's empty group: hidden commands and options) is left out.
std::vector<CompletionCommand> completion_commands(const CLI::App& app);

// A bash script that defines _spawn and registers it with `complete` for the command spawn.
std::string bash_completion(const std::vector<CompletionCommand>& commands);
// A zsh completion file (#compdef spawn) to install as _spawn in a folder of $fpath; sourcing it
// in an interactive zsh with compinit loaded works too.
std::string zsh_completion(const std::vector<CompletionCommand>& commands);

// The hidden subcommand `spawn completion bash|zsh`, which prints the script for spawn's tree.
struct CompletionSubcommand {
  CLI::App* app = nullptr;  // parsed() after `spawn completion SHELL`
  std::string shell;        // "bash" or "zsh" (CLI11 refuses anything else: exit 2)
};
// Adds it to app, hidden from the help and from the completion itself.
std::unique_ptr<CompletionSubcommand> add_completion_subcommand(CLI::App& app);
// The script for shell ("bash" or "zsh") completing app's tree.
std::string completion_script(const CLI::App& app, std::string_view shell);

}  // namespace spawn::cli
