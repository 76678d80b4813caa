#pragma once
// The idle-stop flags of a launch (--idle-timeout, --on-idle, --active-process, --idle-cpu): added
// to a command in one place and read into model::IdleOptions (validated with the rest of the
// launch in model::validate).
#include <CLI/CLI.hpp>

#include <optional>
#include <string>
#include <vector>

#include "spawn/model/idle_options.hpp"

namespace spawn::cli {

class IdleFlags {
 public:
  void add_to(CLI::App& app);
  // The flags as given; a UsageError for a value that does not parse.
  expected<model::IdleOptions, model::UsageError> read() const;

 private:
  std::optional<std::string> m_timeout, m_action, m_cpu;
  std::vector<std::string> m_processes;
};

}  // namespace spawn::cli
