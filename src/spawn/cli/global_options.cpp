#include "spawn/cli/global_options.hpp"

#include <map>

namespace spawn::cli {

void add_global_options(CLI::App& command, GlobalOptions& options) {
  command.add_option("--region", options.region, "AWS region (default: AWS_REGION, AWS_DEFAULT_REGION, the profile's region)")
      ->group("AWS options");
  command.add_option("--profile", options.profile, "profile from ~/.aws/config and ~/.aws/credentials (default: AWS_PROFILE)")
      ->group("AWS options");
  command.add_option("--endpoint-url", options.endpoint_url, "send every AWS request to this URL (a local AWS, a proxy)")
      ->group("AWS options");
  const std::map<std::string, OutputFormat> formats{{"table", OutputFormat::table}, {"json", OutputFormat::json}};
  command.add_option("--output,-o", options.output, "table (default) or json")
      ->transform(CLI::CheckedTransformer(formats, CLI::ignore_case))
      ->group("AWS options");
  command.add_flag("--debug", options.debug, "log every AWS request and reply status to stderr")->group("AWS options");
}

}  // namespace spawn::cli
