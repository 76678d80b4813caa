// spored_policy_tool: launcher::spored_policy as a command, so that the IAM simulator tests
// (tests/iam/) evaluate the very policy spawn writes. Reads a JSON array of grants on stdin,
// each an object with SporedGrants' members (launcher/spored_role.hpp), e.g.
//   [{"partition": "aws", "sns_topics": ["arn:aws:sns:..."], "s3_objects": ["bucket/key"]}]
// and prints a JSON array of the policies, one per grants, in order. A member that SporedGrants
// does not have, or input that is not such an array, is exit 2 with one line on stderr: a case
// naming a grant that does not exist must fail, not be evaluated without it.
//
//   spored_policy_tool --drill-role PARTITION
// prints the permissions policy of the FIS role of `spawn interrupt` (launcher::drill_role_policy).
#include <iostream>
#include <iterator>
#include <string>

#include <nlohmann/json.hpp>

#include "spawn/launcher/drill.hpp"
#include "spawn/launcher/spored_role.hpp"

namespace {

using nlohmann::json;
using spawn::launcher::SporedGrants;

int fail(const std::string& message) {
  std::cerr << "spored_policy_tool: " << message << "\n";
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc == 3 && std::string(argv[1]) == "--drill-role") {
    std::cout << spawn::launcher::drill_role_policy(argv[2]).dump(2) << "\n";
    return 0;
  }
  if (argc != 1) return fail("usage: spored_policy_tool < grants.json | spored_policy_tool --drill-role PARTITION");
  const std::string text{std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>()};
  const json input = json::parse(text, nullptr, false);
  if (input.is_discarded() || !input.is_array()) return fail("expected a JSON array of grants on stdin");
  const json known = SporedGrants{};
  json out = json::array();
  for (const auto& one : input) {
    if (!one.is_object()) return fail("each grants must be a JSON object: " + one.dump());
    for (const auto& [key, value] : one.items())
      if (!known.contains(key)) return fail("SporedGrants has no member '" + key + "'");
    try {
      out.push_back(spawn::launcher::spored_policy(one.get<SporedGrants>()));
    } catch (const json::exception& e) {
      return fail(std::string("bad grants ") + one.dump() + ": " + e.what());
    }
  }
  std::cout << out.dump(2) << "\n";
  return 0;
}
