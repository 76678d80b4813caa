// The shared config / credentials file parser (aws/config/ini_file.hpp) and the profile lookup
// on top of it (shared_files.hpp). Invariants: no crash or sanitizer report; an error is
// "InvalidConfig" and names the origin and a line; keys come back lower-cased; section names
// are unique; [DEFAULT] is never listed.
#include <cstddef>
#include <cstdint>
#include <set>
#include <string>
#include <string_view>

#include "fuzz_check.hpp"
#include "spawn/aws/config/environment.hpp"
#include "spawn/aws/config/ini_file.hpp"
#include "spawn/aws/config/shared_files.hpp"

using namespace spawn::aws::config;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto file = parse_ini(text, "/fuzz/config");
  if (!file) {
    FUZZ_CHECK(file.error().code == "InvalidConfig");
    FUZZ_CHECK(file.error().message.starts_with("/fuzz/config, line "));
    return 0;
  }
  std::set<std::string> names;
  for (const auto& section : file->sections) {
    FUZZ_CHECK(section.name != "DEFAULT");
    FUZZ_CHECK(names.insert(section.name).second);
    FUZZ_CHECK(section.line >= 1);
    for (const auto& [key, value] : section.values) {
      FUZZ_CHECK(!key.empty());
      for (char c : key) FUZZ_CHECK(!(c >= 'A' && c <= 'Z'));
      FUZZ_CHECK(section.find(key) == &value);
      if (value.sub_properties) FUZZ_CHECK(value.text.empty());
    }
  }

  // The same text as both files: what Settings::load does with them.
  auto credentials = parse_ini(text, "/fuzz/credentials");
  FUZZ_CHECK(credentials.has_value());
  SharedFiles files(*file, "/fuzz/config", *credentials, "/fuzz/credentials");
  const auto env = fixed_environment({});
  for (const char* name : {"default", "dev", "profile dev"}) {
    Profile p = files.profile(name);
    for (const char* key : {"region", "endpoint_url", "max_attempts", "credential_process", "services", "ec2"}) {
      if (auto s = lookup(env, "AWS_NONE", p, key)) {
        (void)positive_int(*s);
        (void)is_true(s->value);
      }
      (void)p.find(key);
    }
  }
  for (const auto& section : file->sections) (void)files.services_section(section.name);
  return 0;
}
