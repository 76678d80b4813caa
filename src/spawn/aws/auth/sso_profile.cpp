#include "spawn/aws/auth/sso_profile.hpp"

#include <map>
#include <vector>

namespace spawn::aws::auth {
namespace {

Error invalid(std::string message) { return local_error("InvalidConfig", std::move(message)); }

}  // namespace

Result<std::optional<SsoProfile>> resolve_sso_profile(const config::SharedFiles& files, std::string_view name) {
  const config::Profile p = files.profile(name);
  if (p.find("sso_account_id") == nullptr && p.find("sso_role_name") == nullptr) return std::optional<SsoProfile>();

  SsoProfile out;
  out.profile = std::string(name);
  std::map<std::string, std::string> values;
  for (const char* key : {"sso_start_url", "sso_region", "sso_account_id", "sso_role_name"})
    if (auto v = p.get(key)) values[key] = v->value;

  std::vector<std::string> required = {"sso_start_url", "sso_region", "sso_account_id", "sso_role_name"};
  if (auto session = p.get("sso_session")) {
    out.session_name = session->value;
    const config::IniSection* section = files.sso_session_section(session->value);
    if (section == nullptr)
      return unexpected(invalid(session->origin + " names [sso-session " + session->value + "], which " +
                                (files.config_path().empty() ? std::string("the config file") : files.config_path()) +
                                " does not have"));
    for (const auto& [key, value] : section->values) {
      if (value.sub_properties) continue;
      auto it = values.find(key);
      if (it != values.end() && it->second != value.text)
        return unexpected(invalid("the value of " + key + " differs between profile " + out.profile +
                                  " and [sso-session " + session->value + "]"));
      values[key] = value.text;
    }
  }
  std::string missing;
  for (const auto& key : required)
    if (values[key].empty()) missing += (missing.empty() ? "" : ", ") + key;
  if (!missing.empty())
    return unexpected(invalid("profile " + out.profile + " is set up for IAM Identity Center (SSO) but lacks " +
                              missing + (out.session_name.empty() ? "" : " (in it or in [sso-session " +
                                                                             out.session_name + "])")));
  out.start_url = values["sso_start_url"];
  out.region = values["sso_region"];
  out.account_id = values["sso_account_id"];
  out.role_name = values["sso_role_name"];
  return std::optional<SsoProfile>(std::move(out));
}

}  // namespace spawn::aws::auth
