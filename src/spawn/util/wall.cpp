#include "spawn/util/wall.hpp"

#include "spawn/util/subprocess.hpp"

namespace spawn::util {

expected<void, std::string> wall(const std::string& message) {
  RunOptions options;
  options.timeout = std::chrono::seconds(5);
  options.max_output = 64 * 1024;
  options.child_stdin = ChildStdin::null;
  auto r = run_process({"wall", message}, options);
  if (!r) return unexpected(r.error());
  if (!r->succeeded()) {
    std::string why = r->err.empty() ? r->out : r->err;
    while (!why.empty() && (why.back() == '\n' || why.back() == '\r')) why.pop_back();
    return unexpected("wall failed (exit " + std::to_string(r->exit_code) + ")" + (why.empty() ? "" : ": " + why));
  }
  return {};
}

}  // namespace spawn::util
