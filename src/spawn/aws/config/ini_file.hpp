#pragma once
// The INI dialect of the AWS shared config and credentials files, read exactly as botocore
// reads it: Python's configparser.RawConfigParser, then botocore's one level of
// sub-properties ("ec2 =\n  endpoint_url = http://..."). Profiles and [services] sections are
// given meaning one level up, in shared_files.hpp.
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "spawn/aws/error.hpp"

namespace spawn::aws::config {

using IniProperties = std::map<std::string, std::string>;

struct IniValue {
  // The value with surrounding blanks removed; continuation lines (indented deeper than the
  // key) joined with '\n'. Empty for a block of sub-properties.
  std::string text;
  // Set when the value was a block ("key =" followed by indented "name = value" lines).
  // The names keep their case, as in botocore.
  std::optional<IniProperties> sub_properties;
};

struct IniSection {
  std::string name;                        // exactly as between the brackets: "profile dev"
  std::map<std::string, IniValue> values;  // keys lower-cased, as configparser does
  int line = 0;                            // of the [header], for messages

  // The value of key (any case), or nullptr.
  const IniValue* find(std::string_view key) const;
};

struct IniFile {
  // In file order. Keys of a [DEFAULT] section are copied into every other section that lacks
  // them (configparser's rule), and [DEFAULT] itself is not listed.
  std::vector<IniSection> sections;

  // The section with exactly that name, or nullptr.
  const IniSection* find(std::string_view name) const;
};

// Parses the text of one file; origin (its path) names it in messages. Rules, as configparser:
// a line whose first non-blank character is '#' or ';' is a comment (no inline comments: in
// "region = us-east-1 # x" the value is "us-east-1 # x"); "key = value" or "key: value" split at
// the first '=' or ':'; a line indented deeper than its key continues the value; blank lines
// inside a value are kept. Errors have code "InvalidConfig" and say "<origin>, line N: ...":
// a key before any [section], a line that is none of the above, a section or a key given twice,
// a sub-property line without '='.
Result<IniFile> parse_ini(std::string_view text, std::string_view origin);

}  // namespace spawn::aws::config
