#include "spawn/cli/global_options.hpp"

#include <cctype>
#include <map>
#include <regex>

#include "spawn/cli/choices.hpp"
#include "spawn/util/url.hpp"

namespace spawn::cli {

void add_global_options(CLI::App& command, GlobalOptions& options) {
  command.add_option("--region", options.region, "AWS region (default: AWS_REGION, AWS_DEFAULT_REGION, the profile's region)")
      ->group("AWS options");
  command.add_option("--profile", options.profile, "profile from ~/.aws/config and ~/.aws/credentials (default: AWS_PROFILE)")
      ->group("AWS options");
  command.add_option("--endpoint-url", options.endpoint_url, "send every AWS request to this URL (a local AWS, a proxy)")
      ->group("AWS options");
  const std::map<std::string, OutputFormat> formats{{"table", OutputFormat::table}, {"json", OutputFormat::json}};
  offer_choices(command.add_option("--output,-o", options.output, "what to print (default table)")
                    ->transform(CLI::CheckedTransformer(formats, CLI::ignore_case).description(""))
                    // Added last, so run first (CLI11 puts transforms in front): a wrong value
                    // told in words, not as the transformer's internal map.
                    ->transform(CLI::Validator(
                        [](std::string& value) -> std::string {
                          std::string lower = value;
                          for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
                          return lower == "table" || lower == "json"
                                     ? std::string()
                                     : "expected table or json, got '" + value + "'";
                        },
                        ""))
                    ->group("AWS options"),
                {"table", "json"});
  command.add_flag("--debug", options.debug, "log every AWS request and reply status to stderr")->group("AWS options");
}

std::optional<std::string> check_global_options(const GlobalOptions& options) {
  static const std::regex k_region(R"([a-z]{2}(-[a-z]+)+-[0-9]+)");
  if (options.region && !std::regex_match(*options.region, k_region))
    return "--region: expected a region like us-east-1, got '" + *options.region + "'";
  if (options.endpoint_url && !util::parse_url(*options.endpoint_url))
    return "--endpoint-url: expected an http:// or https:// URL, got '" + *options.endpoint_url + "'";
  if (options.profile && options.profile->empty()) return "--profile: expected a profile name";
  return std::nullopt;
}

}  // namespace spawn::cli
