#include "spawn/aws/auth/process_provider.hpp"

#include "spawn/aws/auth/credentials_document.hpp"
#include "spawn/util/shell_split.hpp"
#include "spawn/util/subprocess.hpp"

namespace spawn::aws::auth {
namespace {

constexpr std::size_t k_stderr_shown = 300;

// The first characters of a helper's stderr, on one line, for an error message.
std::string stderr_excerpt(std::string_view err) {
  std::string out;
  for (char c : err.substr(0, k_stderr_shown)) out += (c == '\n' || c == '\r' || c == '\t') ? ' ' : c;
  while (!out.empty() && out.back() == ' ') out.pop_back();
  if (err.size() > k_stderr_shown) out += "...";
  return out;
}

class ProcessProvider final : public CredentialsProvider {
 public:
  ProcessProvider(std::shared_ptr<const config::SharedFiles> files, std::string profile, ProcessOptions options)
      : m_files(std::move(files)), m_profile(std::move(profile)), m_options(options) {}

  Result<Credentials> get() override {
    const std::string source = "credential_process (profile " + m_profile + ")";
    auto line = m_files->profile(m_profile).get("credential_process");
    if (!line) return unexpected(credentials_not_found("credential_process: not set in profile " + m_profile));
    auto argv = util::shell_split(line->value);
    if (!argv) return unexpected(credentials_error(line->origin + ": " + argv.error()));
    if (argv->empty()) return unexpected(credentials_error(line->origin + ": the command is empty"));

    util::RunOptions run;
    run.timeout = m_options.timeout;
    run.child_stdin = util::ChildStdin::inherit;  // lets a helper prompt on the terminal, as with botocore
    auto result = util::run_process(*argv, run);
    if (!result) return unexpected(credentials_error(source + ": " + result.error()));
    if (!result->succeeded()) {
      std::string how = result->signal != 0 ? "was killed by signal " + std::to_string(result->signal)
                                            : "exited with status " + std::to_string(result->exit_code);
      std::string err = stderr_excerpt(result->err);
      return unexpected(credentials_error(source + ": " + (*argv)[0] + " " + how + (err.empty() ? "" : ": " + err)));
    }
    return parse_credentials_document(result->out, DocumentKind::process, source);
  }

 private:
  std::shared_ptr<const config::SharedFiles> m_files;
  std::string m_profile;
  ProcessOptions m_options;
};

}  // namespace

std::shared_ptr<CredentialsProvider> make_process_provider(std::shared_ptr<const config::SharedFiles> files,
                                                           std::string profile, ProcessOptions options) {
  if (!files) files = std::make_shared<const config::SharedFiles>();
  return std::make_shared<ProcessProvider>(std::move(files), std::move(profile), options);
}

}  // namespace spawn::aws::auth
