#pragma once
// A spawn command: its CLI11 sub-app (options bound to members) and what running it does.
#include <CLI/CLI.hpp>

#include "spawn/cli/global_options.hpp"

namespace spawn::cli {

class Command {
 public:
  virtual ~Command() = default;
  // Runs after a successful parse; returns the exit status.
  virtual int run() = 0;
  CLI::App* app() const { return m_app; }
  const GlobalOptions& global() const { return m_global; }

 protected:
  Command(CLI::App& parent, const std::string& name, const std::string& description) {
    m_app = parent.add_subcommand(name, description);
    add_global_options(*m_app, m_global);
  }
  CLI::App* m_app = nullptr;
  GlobalOptions m_global;
};

}  // namespace spawn::cli
