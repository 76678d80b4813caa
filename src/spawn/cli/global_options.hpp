#pragma once
// Options every command takes.
#include <optional>
#include <string>

#include <CLI/CLI.hpp>

namespace spawn::cli {

enum class OutputFormat { table, json };

struct GlobalOptions {
  std::optional<std::string> region;
  std::optional<std::string> profile;
  std::optional<std::string> endpoint_url;
  OutputFormat output = OutputFormat::table;
  bool debug = false;
};

// Adds --region, --profile, --endpoint-url, --output and --debug to a command.
void add_global_options(CLI::App& command, GlobalOptions& options);
// A usage problem in the global options (malformed --region or --endpoint-url), or nullopt.
std::optional<std::string> check_global_options(const GlobalOptions& options);

}  // namespace spawn::cli
