// User-data quoting (util/shell_quote.hpp), checked the only way that counts: the quoted word
// goes through bash (`bash -c 'printf %s <word>'`) and must come back byte for byte. A value with
// a NUL must be refused (std::invalid_argument), any other value accepted. bash runs for every
// input (a few hundred executions a second); the cheap checks run first.
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>

#include "fuzz_check.hpp"
#include "spawn/util/shell_quote.hpp"

extern char** environ;

namespace {

// What bash prints for `printf %s <word>`; the exit status in *status.
std::string through_bash(const std::string& word, int* status) {
  int out[2];
  FUZZ_CHECK(pipe(out) == 0);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, out[1], 1);
  posix_spawn_file_actions_addclose(&actions, out[0]);
  posix_spawn_file_actions_addclose(&actions, out[1]);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", 0, 0);
  std::string script = "printf %s " + word;
  char bash[] = "/bin/bash", dash_c[] = "-c";
  char* argv[] = {bash, dash_c, script.data(), nullptr};
  char* envp[] = {nullptr};
  pid_t pid = 0;
  FUZZ_CHECK(posix_spawn(&pid, "/bin/bash", &actions, nullptr, argv, envp) == 0);
  posix_spawn_file_actions_destroy(&actions);
  close(out[1]);
  std::string got;
  char buf[4096];
  for (ssize_t n; (n = read(out[0], buf, sizeof buf)) != 0;) {
    if (n < 0) continue;
    got.append(buf, static_cast<size_t>(n));
  }
  close(out[0]);
  FUZZ_CHECK(waitpid(pid, status, 0) == pid);
  return got;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view value(reinterpret_cast<const char*>(data), size);
  const bool has_nul = value.find('\0') != std::string_view::npos;
  std::string word;
  try {
    word = spawn::util::shell_quote(value);
  } catch (const std::invalid_argument&) {
    FUZZ_CHECK(has_nul);
    return 0;
  }
  FUZZ_CHECK(!has_nul);
  FUZZ_CHECK(word.size() >= 2 && word.front() == '\'' && word.back() == '\'');
  int status = 0;
  const std::string back = through_bash(word, &status);
  FUZZ_CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  FUZZ_CHECK(back == value);
  return 0;
}
