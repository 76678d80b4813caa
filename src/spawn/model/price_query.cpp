#include "spawn/model/price_query.hpp"

#include <algorithm>
#include <regex>

namespace spawn::model {
namespace {

// Splits each argument on commas; empty entries are kept so that they can be named.
std::vector<std::string> split_all(const std::vector<std::string>& args) {
  std::vector<std::string> out;
  for (const auto& arg : args) {
    size_t start = 0;
    while (true) {
      size_t comma = arg.find(',', start);
      out.push_back(arg.substr(start, comma == std::string::npos ? std::string::npos : comma - start));
      if (comma == std::string::npos) break;
      start = comma + 1;
    }
  }
  return out;
}

void add_unique(std::vector<std::string>& list, const std::string& item) {
  if (std::find(list.begin(), list.end(), item) == list.end()) list.push_back(item);
}

}  // namespace

bool is_instance_type_name(std::string_view text) {
  static const std::regex k_type(R"([a-z][a-z0-9-]*[0-9][a-z0-9-]*\.[a-z0-9-]+)");
  return std::regex_match(text.begin(), text.end(), k_type);
}

bool is_region_name(std::string_view text) {
  static const std::regex k_region(R"([a-z]{2}(-[a-z]+)+-[0-9]+)");
  return std::regex_match(text.begin(), text.end(), k_region);
}

expected<PriceQuery, UsageError> parse_price_query(const std::vector<std::string>& instance_type_args,
                                                   const std::optional<std::vector<std::string>>& regions_args) {
  PriceQuery q;
  const auto types = split_all(instance_type_args);
  bool all_empty = std::all_of(types.begin(), types.end(), [](const std::string& t) { return t.empty(); });
  if (types.empty() || all_empty)
    return unexpected(UsageError{"--instance-type: expected one or more instance types such as m7i.large,g5.xlarge"});
  for (const auto& t : types) {
    if (t.empty())
      return unexpected(UsageError{"--instance-type: empty entry in the list (expected TYPE[,TYPE...] such as "
                                   "m7i.large,g5.xlarge)"});
    if (!is_instance_type_name(t))
      return unexpected(UsageError{"--instance-type: expected a type like m7i.large, got '" + t + "'"});
    add_unique(q.instance_types, t);
  }
  if (regions_args) {
    const auto regions = split_all(*regions_args);
    if (std::all_of(regions.begin(), regions.end(), [](const std::string& r) { return r.empty(); }))
      return unexpected(UsageError{"--regions: expected one or more regions such as us-east-1,eu-west-1"});
    for (const auto& r : regions) {
      if (r.empty())
        return unexpected(UsageError{"--regions: empty entry in the list (expected REGION[,REGION...] such as "
                                     "us-east-1,eu-west-1)"});
      if (!is_region_name(r))
        return unexpected(UsageError{"--regions: expected a region like us-east-1, got '" + r + "'"});
      add_unique(q.regions, r);
    }
  }
  return q;
}

}  // namespace spawn::model
