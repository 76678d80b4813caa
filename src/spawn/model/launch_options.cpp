#include "spawn/model/launch_options.hpp"

#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

namespace spawn::model {
namespace {

bool valid_resource_id(std::string_view id, std::string_view prefix) {
  if (!id.starts_with(prefix)) return false;
  id.remove_prefix(prefix.size());
  if (id.size() != 8 && id.size() != 17) return false;
  for (char c : id)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  return true;
}

}  // namespace

expected<std::pair<std::string, std::string>, UsageError> parse_tag(std::string_view text) {
  auto eq = text.find('=');
  if (eq == std::string_view::npos || eq == 0)
    return unexpected(UsageError{"--tag: expected KEY=VALUE, got '" + std::string(text) + "'"});
  std::string key(text.substr(0, eq));
  std::string value(text.substr(eq + 1));
  if (key.size() > 128) return unexpected(UsageError{"--tag: the key is longer than 128 characters"});
  if (value.size() > 256) return unexpected(UsageError{"--tag: the value of " + key + " is longer than 256 characters"});
  if (key.starts_with("aws:")) return unexpected(UsageError{"--tag: keys starting with 'aws:' are reserved by AWS"});
  if (key.starts_with("spawn:"))
    return unexpected(UsageError{"--tag: keys starting with 'spawn:' are set by spawn itself"});
  return std::pair{std::move(key), std::move(value)};
}

expected<std::string, UsageError> read_user_data(std::string_view arg) {
  if (!arg.starts_with("@")) return std::string(arg);
  std::string path(arg.substr(1));
  if (path.empty()) return unexpected(UsageError{"--user-data: expected text or @FILE, got '@'"});
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec))
    return unexpected(UsageError{"--user-data: cannot read '" + path + "' (not a readable file)"});
  std::ifstream in(path, std::ios::binary);
  if (!in) return unexpected(UsageError{"--user-data: cannot read '" + path + "'"});
  std::ostringstream buf;
  buf << in.rdbuf();
  if (in.bad()) return unexpected(UsageError{"--user-data: cannot read '" + path + "'"});
  return buf.str();
}

expected<void, UsageError> validate(const LaunchOptions& o) {
  static const std::regex k_type(R"([a-z][a-z0-9-]*[0-9][a-z0-9-]*\.[a-z0-9-]+)");
  if (o.instance_type.empty()) return unexpected(UsageError{"--instance-type is required (e.g. --instance-type m7i.large)"});
  if (!std::regex_match(o.instance_type, k_type))
    return unexpected(UsageError{"--instance-type: expected a type like m7i.large, got '" + o.instance_type + "'"});
  if (o.count < 1) return unexpected(UsageError{"--count: expected a positive integer, got " + std::to_string(o.count)});
  if (o.count > 10000) return unexpected(UsageError{"--count: at most 10000 instances in one launch"});
  if (o.ami && !valid_resource_id(*o.ami, "ami-"))
    return unexpected(UsageError{"--ami: expected an AMI id like ami-0abcdef1234567890, got '" + *o.ami + "'"});
  if (o.subnet_id && !valid_resource_id(*o.subnet_id, "subnet-"))
    return unexpected(UsageError{"--subnet-id: expected an id like subnet-0abc1234, got '" + *o.subnet_id + "'"});
  for (const auto& sg : o.security_group_ids)
    if (!valid_resource_id(sg, "sg-"))
      return unexpected(UsageError{"--security-group-ids: expected ids like sg-0abc1234, got '" + sg + "'"});
  if (o.name && (o.name->empty() || o.name->size() > 200))
    return unexpected(UsageError{"--name: expected 1 to 200 characters"});
  if (o.job_array_name && (o.job_array_name->empty() || o.job_array_name->size() > 200))
    return unexpected(UsageError{"--job-array-name: expected 1 to 200 characters"});
  if (o.user_data && o.user_data->size() > k_user_data_limit)
    return unexpected(UsageError{"--user-data: " + std::to_string(o.user_data->size()) +
                                 " bytes is over EC2's 16 KB limit; put the script in S3 and fetch it from a short user-data"});
  return {};
}

}  // namespace spawn::model
