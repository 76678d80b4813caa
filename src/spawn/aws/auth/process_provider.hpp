#pragma once
// Credentials from an external command: the profile's credential_process, as botocore's
// ProcessProvider. https://docs.aws.amazon.com/cli/latest/userguide/cli-configure-sourcing-external.html
#include <chrono>
#include <memory>
#include <string>

#include "spawn/aws/auth/credentials.hpp"
#include "spawn/aws/config/shared_files.hpp"

namespace spawn::aws::auth {

struct ProcessOptions {
  std::chrono::milliseconds timeout{60000};  // botocore has none; a stuck helper should not hang spawn
};

// Runs credential_process of profile (from the config or the credentials file, the latter
// winning) at each get(). The line is split into words like a POSIX shell would (shlex), but no
// shell runs it: no expansion, pipes or ';'. The command inherits stdin and the environment;
// its stdout must be the Version 1 JSON document (AccessKeyId, SecretAccessKey, optional
// SessionToken and Expiration). Source "credential_process (profile <name>)".
// Not found when the profile has no credential_process; CredentialsError when the line cannot
// be split, the command cannot start, times out, exits non-zero (the message carries the start
// of its stderr) or prints a bad document.
std::shared_ptr<CredentialsProvider> make_process_provider(std::shared_ptr<const config::SharedFiles> files,
                                                           std::string profile, ProcessOptions options = {});

}  // namespace spawn::aws::auth
