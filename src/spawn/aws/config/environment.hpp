#pragma once
// Reading environment variables through an injectable function, so tests never touch the
// process environment (no globals for mock state).
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace spawn::aws::config {

// Returns the variable's value, or nullopt when unset. An empty value counts as unset for
// AWS settings, as in the SDKs.
using Environment = std::function<std::optional<std::string>(std::string_view name)>;

// The real process environment.
Environment process_environment();
// A fixed map, for tests.
Environment fixed_environment(std::map<std::string, std::string> vars);

}  // namespace spawn::aws::config
