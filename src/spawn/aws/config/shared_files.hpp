#pragma once
// The AWS shared config file (~/.aws/config) and shared credentials file (~/.aws/credentials),
// given the meaning botocore gives them: profiles, and [services name] sections.
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "spawn/aws/config/environment.hpp"
#include "spawn/aws/config/ini_file.hpp"
#include "spawn/aws/error.hpp"

namespace spawn::aws::config {

// A value and where it was found, so that messages point at the right place.
struct Setting {
  std::string value;
  std::string origin;  // "AWS_REGION", "--region", "region in profile dev (/home/me/.aws/config)"
};

// One profile as botocore sees it for everything but static keys: its config-file section with
// the credentials-file section of the same name laid over it (the credentials file wins, key
// by key).
class Profile {
 public:
  const std::string& name() const { return m_name; }
  // Whether either file has this profile.
  bool exists() const { return m_exists; }
  // The value of key with its origin; nullopt when absent, empty, or a block of sub-properties.
  std::optional<Setting> get(std::string_view key) const;
  // The raw value of key (blocks included) and the path of the file it came from; nullptr when absent.
  const IniValue* find(std::string_view key, std::string* file = nullptr) const;

 private:
  friend class SharedFiles;
  std::string m_name;
  bool m_exists = false;
  std::map<std::string, std::pair<IniValue, std::string>> m_values;  // key -> value, file
};

class SharedFiles {
 public:
  // No files at all.
  SharedFiles() = default;
  // Already parsed files (tests build them from text). A path may be "" when there is no file.
  SharedFiles(IniFile config, std::string config_path, IniFile credentials, std::string credentials_path);

  // Reads the file named by AWS_CONFIG_FILE (default ~/.aws/config) and the one named by
  // AWS_SHARED_CREDENTIALS_FILE (default ~/.aws/credentials); "~" and $VAR / ${VAR} are expanded
  // with env (HOME). A file that does not exist (or is not a regular file) is empty, as in
  // botocore; so is a default path when HOME is unset. Error "InvalidConfig" when a file cannot
  // be read or parsed (the message names the path and the line).
  static Result<SharedFiles> load(const Environment& env);

  // The config file's section of a profile: [default] (or [profile default]) or [profile name];
  // when both forms name the same profile, the later one wins. nullptr when absent.
  const IniSection* config_section(std::string_view profile) const;
  // The credentials file's [name] section. nullptr when absent.
  const IniSection* credentials_section(std::string_view profile) const;
  // Both merged (see Profile).
  Profile profile(std::string_view name) const;
  // The config file's [services name] section. nullptr when absent.
  const IniSection* services_section(std::string_view name) const;

  // The config file's [sso-session name] section (sso_start_url, sso_region). nullptr when absent.
  const IniSection* sso_session_section(std::string_view name) const;

  // The paths read ("" when there was none), for messages.
  const std::string& config_path() const { return m_config_path; }
  const std::string& credentials_path() const { return m_credentials_path; }

 private:
  void index();

  IniFile m_config;
  std::string m_config_path;
  IniFile m_credentials;
  std::string m_credentials_path;
  std::map<std::string, size_t, std::less<>> m_profiles;  // profile name -> m_config section
  std::map<std::string, size_t, std::less<>> m_services;  // services name -> m_config section
  std::map<std::string, size_t, std::less<>> m_sso_sessions;  // sso-session name -> m_config section
};

// The first of the environment variable env_var and key in profile; nullopt when neither is set.
std::optional<Setting> lookup(const Environment& env, std::string_view env_var, const Profile& profile,
                              std::string_view key);

// The setting as a positive integer; error "InvalidConfig" naming its origin otherwise.
Result<int> positive_int(const Setting& setting);

// botocore's ensure_boolean: true only for "true" in any case.
bool is_true(std::string_view value);

}  // namespace spawn::aws::config
