#include "spawn/model/job_array.hpp"

#include <charconv>

#include "spawn/model/tags.hpp"

namespace spawn::model {
namespace {

std::optional<int> number(const TagMap& tags, const char* key) {
  auto it = tags.find(key);
  if (it == tags.end()) return std::nullopt;
  return parse_index(it->second);
}

}  // namespace

std::optional<int> parse_index(std::string_view text) {
  int value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value < 0) return std::nullopt;
  return value;
}

std::optional<int> job_array_index(const TagMap& tags, std::optional<int> ami_launch_index) {
  if (!tags.contains(tag::k_job_array_id)) return std::nullopt;
  if (tags.contains(tag::k_job_array_index)) return number(tags, tag::k_job_array_index);
  auto base = number(tags, tag::k_job_array_index_base);
  if (!base || !ami_launch_index || *ami_launch_index < 0) return std::nullopt;
  return *base + *ami_launch_index;
}

std::string member_name(const TagMap& tags, std::optional<int> ami_launch_index) {
  auto name = tags.find(tag::k_name);
  if (name == tags.end()) return {};
  if (tags.contains(tag::k_job_array_index) || !tags.contains(tag::k_job_array_index_base)) return name->second;
  auto index = job_array_index(tags, ami_launch_index);
  return index ? name->second + "-" + std::to_string(*index) : name->second;
}

std::vector<std::string> name_tag_candidates(const std::string& name) {
  std::vector<std::string> out{name};
  const auto dash = name.find_last_of('-');
  if (dash == std::string::npos || dash == 0 || dash + 1 == name.size()) return out;
  if (name.find_first_not_of("0123456789", dash + 1) != std::string::npos) return out;
  out.push_back(name.substr(0, dash));
  return out;
}

}  // namespace spawn::model
