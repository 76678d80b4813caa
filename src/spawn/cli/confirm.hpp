#pragma once
// Acting on several instances at once (spawn terminate, spawn interrupt): asked on a terminal,
// "Terminate 3 instances (a, b, c)? [y/N]"; without one (a script, CI), --yes is needed.
#include <string>
#include <string_view>
#include <vector>

namespace spawn::cli {

// verb: "Terminate"; done: "terminated"; names: what is acted on, as shown; command: for the usage
// line's hint. k_exit_ok to go on; k_exit_usage (stdin is no terminal, nothing asked) or
// k_exit_failure (the answer was not yes), each said on stderr.
int confirm_several(std::string_view verb, std::string_view done, const std::vector<std::string>& names,
                    const std::string& command);

}  // namespace spawn::cli
