#include "spawn/launcher/relaunch_spec.hpp"

#include <fmt/format.h>

#include "spawn/util/encoding.hpp"
#include "spawn/util/sha256.hpp"
#include "spawn/util/shell_split.hpp"

namespace spawn::launcher {

std::string relaunch_template_name(std::string_view launch_id) {
  return k_relaunch_template_prefix + std::string(launch_id);
}

std::string launch_of_relaunch_template(std::string_view name) {
  if (!name.starts_with(k_relaunch_template_prefix)) return {};
  return std::string(name.substr(std::string_view(k_relaunch_template_prefix).size()));
}

nlohmann::json to_json(const RelaunchSpec& s) {
  nlohmann::json j{{"max", s.max},
                   {"launch_id", s.launch_id},
                   {"instance_types", s.instance_types},
                   {"subnet_ids", s.subnet_ids},
                   {"fallback", s.fallback},
                   {"allocation_strategy", s.allocation_strategy},
                   {"move", s.move}};
  if (!s.job_array_id.empty()) j["job_array_id"] = s.job_array_id;
  if (!s.name.empty()) j["name"] = s.name;
  if (s.max_price) j["max_price"] = *s.max_price;
  return j;
}

expected<RelaunchSpec, std::string> relaunch_spec_from_json(const nlohmann::json& j) {
  if (!j.is_object()) return unexpected(std::string("relaunch: expected an object"));
  RelaunchSpec s;
  auto text = [&](const char* key, std::string& into, bool required) -> bool {
    auto it = j.find(key);
    if (it == j.end()) return !required;
    if (!it->is_string() || it->get<std::string>().empty()) return false;
    into = it->get<std::string>();
    return true;
  };
  auto words = [&](const char* key, std::vector<std::string>& into) -> bool {
    auto it = j.find(key);
    if (it == j.end()) return true;
    if (!it->is_array()) return false;
    for (const auto& v : *it) {
      if (!v.is_string() || v.get<std::string>().empty()) return false;
      into.push_back(v.get<std::string>());
    }
    return true;
  };
  auto it = j.find("max");
  if (it == j.end() || !it->is_number_integer() || it->get<int>() < 1)
    return unexpected(std::string("relaunch.max: expected a positive integer"));
  s.max = it->get<int>();
  if (!text("launch_id", s.launch_id, true)) return unexpected(std::string("relaunch.launch_id: expected a launch id"));
  if (!text("job_array_id", s.job_array_id, false)) return unexpected(std::string("relaunch.job_array_id: expected text"));
  if (!text("name", s.name, false)) return unexpected(std::string("relaunch.name: expected text"));
  if (!words("instance_types", s.instance_types) || s.instance_types.empty())
    return unexpected(std::string("relaunch.instance_types: expected a list of instance types"));
  if (!words("subnet_ids", s.subnet_ids)) return unexpected(std::string("relaunch.subnet_ids: expected a list of subnet ids"));
  std::string price;
  if (!text("max_price", price, false)) return unexpected(std::string("relaunch.max_price: expected a price"));
  if (!price.empty()) s.max_price = price;
  if (!text("allocation_strategy", s.allocation_strategy, false))
    return unexpected(std::string("relaunch.allocation_strategy: expected a strategy"));
  for (const char* key : {"fallback", "move"}) {
    auto b = j.find(key);
    if (b == j.end()) continue;
    if (!b->is_boolean()) return unexpected(fmt::format("relaunch.{}: expected true or false", key));
    (std::string_view(key) == "fallback" ? s.fallback : s.move) = b->get<bool>();
  }
  return s;
}

expected<RelaunchSpec, std::string> relaunch_spec_from_user_data(std::string_view user_data_base64) {
  auto decoded = util::base64_decode(user_data_base64);
  if (!decoded) return unexpected(std::string("the launch template's user-data is not base64"));
  // spawn's script writes the config with one line: printf '%s\n' '<json>' | spawn_write 0600 ".../spot-config.json"
  std::string_view text = *decoded;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    std::string_view line = text.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
    start = end == std::string_view::npos ? text.size() : end + 1;
    if (!line.starts_with("printf '%s\\n' ") || line.find("spot-config.json") == std::string_view::npos) continue;
    auto words = util::shell_split(line.substr(0, line.find(" | spawn_write ")));
    if (!words || words->size() != 3) continue;
    auto config = nlohmann::json::parse((*words)[2], nullptr, false);
    if (!config.is_object() || !config.contains("relaunch")) break;
    return relaunch_spec_from_json(config["relaunch"]);
  }
  return unexpected(std::string("the launch template's user-data has no relaunch settings"));
}

std::vector<aws::ec2::FleetOverride> replacement_pools(const RelaunchSpec& spec, const Outgoing& out, bool for_spot) {
  std::vector<aws::ec2::FleetOverride> all, others;
  const std::optional<std::string> price = for_spot ? spec.max_price : std::nullopt;
  for (const auto& type : spec.instance_types) {
    if (spec.subnet_ids.empty()) {
      all.push_back({type, std::nullopt, price});
      if (type != out.instance_type) others.push_back(all.back());
      continue;
    }
    for (const auto& subnet : spec.subnet_ids) {
      all.push_back({type, subnet, price});
      // Its own pool: its type in its subnet; when its subnet is unknown, its type anywhere.
      const bool own = type == out.instance_type && (out.subnet_id.empty() || subnet == out.subnet_id);
      if (!own) others.push_back(all.back());
    }
  }
  return others.empty() ? all : others;
}

std::string replacement_token(const RelaunchSpec& spec, const Outgoing& out, std::string_view market) {
  const std::string who = fmt::format("{}:{}:{}:{}:{}", spec.launch_id, spec.job_array_id,
                                      out.index ? std::to_string(*out.index) : std::string("-"), out.generation + 1, market);
  // 9 + 40 characters: EC2 takes at most 64.
  return "spawn-rl-" + util::sha256_hex(who).substr(0, 40);
}

std::optional<std::string> relaunch_refusal(const RelaunchSpec& spec, const Outgoing& out, util::SystemTime now) {
  if (out.generation >= spec.max)
    return fmt::format("relaunched {} time(s) already, the most --relaunch allows", out.generation);
  if (out.ttl_deadline) {
    auto deadline = util::parse_rfc3339(*out.ttl_deadline);
    if (deadline && *deadline - now < std::chrono::minutes(1))
      return "the TTL deadline " + *out.ttl_deadline + " is (all but) reached";
  }
  return std::nullopt;
}

}  // namespace spawn::launcher
