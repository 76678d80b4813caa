#include "spawn/aws/config/ini_file.hpp"

#include <deque>
#include <set>

namespace spawn::aws::config {
namespace {

bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v'; }

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_blank(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_blank(s.back())) s.remove_suffix(1);
  return s;
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

// Lines as Python's universal newlines sees them: "\n", "\r\n" and a lone "\r" all end one.
std::vector<std::string_view> split_lines(std::string_view text) {
  std::vector<std::string_view> lines;
  size_t start = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\n' || text[i] == '\r') {
      lines.push_back(text.substr(start, i - start));
      if (text[i] == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
      start = i + 1;
    }
  }
  if (start < text.size()) lines.push_back(text.substr(start));
  return lines;
}

Error parse_error(std::string_view origin, int line, const std::string& what) {
  return local_error("InvalidConfig", std::string(origin) + ", line " + std::to_string(line) + ": " + what);
}

// botocore's _parse_nested: each non-blank line is "name = value", split at the first '='.
expected<IniProperties, std::string> parse_sub_properties(std::string_view block) {
  IniProperties out;
  for (std::string_view line : split_lines(block)) {
    line = trim(line);
    if (line.empty()) continue;
    auto eq = line.find('=');
    if (eq == std::string_view::npos) return unexpected("'" + std::string(line) + "' is not name = value");
    out[std::string(trim(line.substr(0, eq)))] = std::string(trim(line.substr(eq + 1)));
  }
  return out;
}

// A value while it is being read: its lines, joined at the end.
struct OpenValue {
  std::vector<std::string> lines;
  int line = 0;
};

struct OpenSection {
  std::string name;
  int line = 0;
  std::map<std::string, OpenValue> values;
};

}  // namespace

const IniValue* IniSection::find(std::string_view key) const {
  auto it = values.find(lower(key));
  return it == values.end() ? nullptr : &it->second;
}

const IniSection* IniFile::find(std::string_view name) const {
  for (const auto& s : sections)
    if (s.name == name) return &s;
  return nullptr;
}

// The loop follows configparser.RawConfigParser._read line by line (strict mode, no inline
// comments, empty lines allowed in values), so files that botocore accepts read the same here
// and files it rejects are rejected. Two deliberate differences: a UTF-8 byte order mark is
// skipped, and the first error ends the parse (configparser collects them all).
Result<IniFile> parse_ini(std::string_view text, std::string_view origin) {
  if (text.starts_with("\xEF\xBB\xBF")) text.remove_prefix(3);

  std::deque<OpenSection> sections;  // a deque: `current` stays valid as it grows
  OpenSection defaults{"DEFAULT", 0, {}};
  std::set<std::string> seen_sections;
  OpenSection* current = nullptr;
  OpenValue* value = nullptr;  // the value continuation lines go to
  size_t indent_level = 0;

  int number = 0;
  for (std::string_view raw : split_lines(text)) {
    ++number;
    std::string_view line = trim(raw);
    if (line.starts_with('#') || line.starts_with(';')) continue;  // comments keep the value open
    if (line.empty()) {
      if (value != nullptr) value->lines.emplace_back();
      continue;
    }
    size_t indent = raw.find_first_not_of(" \t\f\v");
    if (value != nullptr && indent > indent_level) {
      value->lines.emplace_back(line);
      continue;
    }
    indent_level = indent;
    value = nullptr;

    // "[" then anything then the last "]" of the line: what follows it is ignored.
    auto close = line.rfind(']');
    if (line.starts_with('[') && close != std::string_view::npos && close > 1) {
      std::string name(line.substr(1, close - 1));
      if (name == "DEFAULT") {
        current = &defaults;
        continue;
      }
      if (!seen_sections.insert(name).second) return unexpected(parse_error(origin, number, "section [" + name + "] appears twice"));
      sections.push_back(OpenSection{name, number, {}});
      current = &sections.back();
      continue;
    }
    if (current == nullptr)
      return unexpected(parse_error(origin, number, "expected a [section] header before the first setting"));

    auto delimiter = line.find_first_of("=:");
    if (delimiter == std::string_view::npos)
      return unexpected(parse_error(origin, number, "expected 'name = value', a [section] or a # comment"));
    std::string key = lower(trim(line.substr(0, delimiter)));
    if (key.empty()) return unexpected(parse_error(origin, number, "a setting without a name"));
    if (current->values.contains(key))
      return unexpected(parse_error(origin, number, "'" + key + "' appears twice in [" + current->name + "]"));
    OpenValue& v = current->values[key];
    v.line = number;
    v.lines.emplace_back(trim(line.substr(delimiter + 1)));
    value = &v;
  }

  IniFile file;
  for (auto& open : sections) {
    for (const auto& [key, v] : defaults.values)
      if (!open.values.contains(key)) open.values[key] = v;
    IniSection section{open.name, {}, open.line};
    for (auto& [key, v] : open.values) {
      std::string joined;
      for (size_t i = 0; i < v.lines.size(); ++i) {
        if (i > 0) joined += '\n';
        joined += v.lines[i];
      }
      while (!joined.empty() && is_blank(joined.back())) joined.pop_back();
      IniValue out;
      if (joined.starts_with('\n')) {
        auto sub = parse_sub_properties(joined);
        if (!sub) return unexpected(parse_error(origin, v.line, "in the block under '" + key + "': " + sub.error()));
        out.sub_properties = std::move(*sub);
      } else {
        out.text = std::move(joined);
      }
      section.values.emplace(key, std::move(out));
    }
    file.sections.push_back(std::move(section));
  }
  return file;
}

}  // namespace spawn::aws::config
