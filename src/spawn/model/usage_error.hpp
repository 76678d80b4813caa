#pragma once
// A usage problem found before anything is sent: exit status 2.
#include <string>

namespace spawn::model {

// The flag and what is expected, for "spawn: error: <message>"; hint replaces the default
// "see 'spawn <command> --help'" when a better one exists.
struct UsageError {
  std::string message;
  std::string hint;
};

}  // namespace spawn::model
