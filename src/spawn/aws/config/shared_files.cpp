#include "spawn/aws/config/shared_files.hpp"

#include <sys/stat.h>

#include <cctype>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <fstream>
#include <sstream>

#include "spawn/util/shell_split.hpp"

namespace spawn::aws::config {
namespace {

constexpr std::size_t k_max_file_size = 16 << 20;

// Python's os.path.expandvars then os.path.expanduser, with env as the environment: $NAME and
// ${NAME} are replaced when set and left alone when not; a leading "~" or "~/" becomes HOME.
std::optional<std::string> expand_path(std::string_view path, const Environment& env) {
  std::string out;
  for (size_t i = 0; i < path.size();) {
    if (path[i] != '$') {
      out += path[i++];
      continue;
    }
    size_t start = i + 1, end = start;
    bool braced = start < path.size() && path[start] == '{';
    if (braced) {
      end = path.find('}', start);
      if (end == std::string_view::npos) {
        out += path.substr(i);
        break;
      }
    } else {
      while (end < path.size() && (std::isalnum(static_cast<unsigned char>(path[end])) || path[end] == '_')) ++end;
    }
    std::string_view name = braced ? path.substr(start + 1, end - start - 1) : path.substr(start, end - start);
    size_t next = braced ? end + 1 : end;
    auto value = name.empty() ? std::nullopt : env(name);
    if (value)
      out += *value;
    else
      out += path.substr(i, next - i);
    i = next;
  }
  if (out == "~" || out.starts_with("~/")) {
    auto home = env("HOME");
    if (!home) return std::nullopt;
    out = *home + out.substr(1);
  }
  return out;
}

// The file's text; "" when it does not exist or is not a regular file (botocore's isfile check).
Result<std::string> read_if_present(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    if (errno == ENOENT || errno == ENOTDIR) return std::string();
    return unexpected(local_error("InvalidConfig", "cannot read " + path + ": " + std::strerror(errno)));
  }
  if (!S_ISREG(st.st_mode)) return std::string();
  if (static_cast<std::size_t>(st.st_size) > k_max_file_size)
    return unexpected(local_error("InvalidConfig", path + " is too large to be an AWS config file"));
  std::ifstream in(path, std::ios::binary);
  if (!in) return unexpected(local_error("InvalidConfig", "cannot read " + path + ": " + std::strerror(errno)));
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

Result<std::pair<IniFile, std::string>> load_one(const Environment& env, std::string_view variable,
                                                 std::string_view default_path) {
  auto named = env(variable);
  auto path = expand_path(named ? std::string_view(*named) : default_path, env);
  if (!path) return std::pair<IniFile, std::string>{};
  auto text = read_if_present(*path);
  if (!text) return unexpected(text.error());
  auto parsed = parse_ini(*text, *path);
  if (!parsed) return unexpected(parsed.error());
  return std::pair{std::move(*parsed), std::move(*path)};
}

// botocore's _parse_section: "profile dev" -> "dev"; the name is read like a shell word, so
// [profile "my profile"] works and [profile a b] names nothing.
std::optional<std::string> second_word(const std::string& section) {
  auto words = util::shell_split(section);
  if (!words || words->size() != 2) return std::nullopt;
  return (*words)[1];
}

}  // namespace

std::optional<Setting> Profile::get(std::string_view key) const {
  std::string file;
  const IniValue* v = find(key, &file);
  if (v == nullptr || v->sub_properties || v->text.empty()) return std::nullopt;
  std::string where = file.empty() ? "" : " (" + file + ")";
  return Setting{v->text, std::string(key) + " in profile " + m_name + where};
}

const IniValue* Profile::find(std::string_view key, std::string* file) const {
  auto it = m_values.find(std::string(key));
  if (it == m_values.end()) return nullptr;
  if (file != nullptr) *file = it->second.second;
  return &it->second.first;
}

SharedFiles::SharedFiles(IniFile config, std::string config_path, IniFile credentials, std::string credentials_path)
    : m_config(std::move(config)),
      m_config_path(std::move(config_path)),
      m_credentials(std::move(credentials)),
      m_credentials_path(std::move(credentials_path)) {
  index();
}

Result<SharedFiles> SharedFiles::load(const Environment& env) {
  auto config = load_one(env, "AWS_CONFIG_FILE", "~/.aws/config");
  if (!config) return unexpected(config.error());
  auto credentials = load_one(env, "AWS_SHARED_CREDENTIALS_FILE", "~/.aws/credentials");
  if (!credentials) return unexpected(credentials.error());
  return SharedFiles(std::move(config->first), std::move(config->second), std::move(credentials->first),
                     std::move(credentials->second));
}

// botocore's build_profile_map, in file order so that a later section wins.
void SharedFiles::index() {
  for (size_t i = 0; i < m_config.sections.size(); ++i) {
    const std::string& name = m_config.sections[i].name;
    if (name.starts_with("profile")) {
      if (auto profile = second_word(name)) m_profiles[*profile] = i;
    } else if (name.starts_with("sso-session")) {
      if (auto session = second_word(name)) m_sso_sessions[*session] = i;
    } else if (name.starts_with("services")) {
      if (auto services = second_word(name)) m_services[*services] = i;
    } else if (name == "default") {
      m_profiles["default"] = i;
    }
  }
}

const IniSection* SharedFiles::config_section(std::string_view profile) const {
  auto it = m_profiles.find(profile);
  return it == m_profiles.end() ? nullptr : &m_config.sections[it->second];
}

const IniSection* SharedFiles::credentials_section(std::string_view profile) const {
  // The last of equal names would win, but the parser refuses duplicates anyway.
  return m_credentials.find(profile);
}

const IniSection* SharedFiles::services_section(std::string_view name) const {
  auto it = m_services.find(name);
  return it == m_services.end() ? nullptr : &m_config.sections[it->second];
}

const IniSection* SharedFiles::sso_session_section(std::string_view name) const {
  auto it = m_sso_sessions.find(name);
  return it == m_sso_sessions.end() ? nullptr : &m_config.sections[it->second];
}

Profile SharedFiles::profile(std::string_view name) const {
  Profile p;
  p.m_name = std::string(name);
  if (const IniSection* s = config_section(name)) {
    p.m_exists = true;
    for (const auto& [k, v] : s->values) p.m_values[k] = {v, m_config_path};
  }
  if (const IniSection* s = credentials_section(name)) {
    p.m_exists = true;
    for (const auto& [k, v] : s->values) p.m_values[k] = {v, m_credentials_path};
  }
  return p;
}

std::optional<Setting> lookup(const Environment& env, std::string_view env_var, const Profile& profile,
                              std::string_view key) {
  if (env) {
    if (auto v = env(env_var)) return Setting{*v, std::string(env_var)};
  }
  return profile.get(key);
}

Result<int> positive_int(const Setting& setting) {
  int n = 0;
  const char* begin = setting.value.data();
  const char* end = begin + setting.value.size();
  auto [ptr, ec] = std::from_chars(begin, end, n);
  if (ec != std::errc{} || ptr != end || n <= 0)
    return unexpected(local_error("InvalidConfig",
                                  setting.origin + " must be a positive integer, not '" + setting.value + "'"));
  return n;
}

bool is_true(std::string_view value) {
  if (value.size() != 4) return false;
  for (size_t i = 0; i < 4; ++i)
    if (std::tolower(static_cast<unsigned char>(value[i])) != "true"[i]) return false;
  return true;
}

}  // namespace spawn::aws::config
