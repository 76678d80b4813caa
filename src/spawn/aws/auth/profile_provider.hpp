#pragma once
// Static keys from one of the shared files, as botocore's SharedCredentialProvider (credentials
// file) and ConfigProvider (config file). The default chain asks the credentials file first
// and the config file later, so the credentials file wins.
#include <memory>
#include <string>

#include "spawn/aws/auth/credentials.hpp"
#include "spawn/aws/config/shared_files.hpp"

namespace spawn::aws::auth {

enum class ProfileFile {
  credentials,  // [name] in the shared credentials file; source "shared credentials file (<path>), profile <name>"
  config,       // [profile name] / [default] in the shared config file; source "config file (<path>), profile <name>"
};

// aws_access_key_id, aws_secret_access_key and aws_session_token (or the older
// aws_security_token) of profile in that file. Not found when the file has no such profile or
// the profile has no aws_access_key_id; CredentialsError when the key is empty or comes without
// its secret.
std::shared_ptr<CredentialsProvider> make_profile_provider(std::shared_ptr<const config::SharedFiles> files,
                                                           std::string profile, ProfileFile file);

}  // namespace spawn::aws::auth
