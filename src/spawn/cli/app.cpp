#include "spawn/cli/app.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <exception>
#include <memory>
#include <vector>

#include "spawn/cli/agent_command.hpp"
#include "spawn/cli/completion.hpp"
#include "spawn/cli/connect_command.hpp"
#include "spawn/cli/cost_command.hpp"
#include "spawn/cli/extend_command.hpp"
#include "spawn/cli/history_command.hpp"
#include "spawn/cli/launch_command.hpp"
#include "spawn/cli/list_command.hpp"
#include "spawn/cli/logs_command.hpp"
#include "spawn/cli/output.hpp"
#include "spawn/cli/pool_command.hpp"
#include "spawn/cli/interrupt_command.hpp"
#include "spawn/cli/relaunch_command.hpp"
#include "spawn/cli/price_command.hpp"
#include "spawn/cli/status_command.hpp"
#include "spawn/cli/stop_start_command.hpp"
#include "spawn/cli/terminate_command.hpp"
#include "spawn/util/help_format.hpp"

namespace spawn::cli {

int run(int argc, char** argv) {
  CLI::App app{"spawn: EC2 instances for people who just need compute, with safe spot.", "spawn"};
  app.formatter(util::help_formatter());  // before the subcommands, which copy it
  app.set_version_flag("--version", std::string("spawn ") + SPAWN_VERSION);
  app.require_subcommand(1);
  app.footer(R"(
Examples:
  spawn launch --instance-type m7i.large --name dev
  spawn list
  spawn pool create ci --instance-type m7i.large --capacity 4   # 4 spot instances kept running
  spawn terminate --name dev
  spawn price --instance-type m7i.large,g5.xlarge
  spawn agent upload --bucket my-bucket     # once per account: launches in every region install spored from it

Run 'spawn COMMAND --help' for a command's options.)");

  std::vector<std::unique_ptr<Command>> commands;
  commands.push_back(make_launch_command(app));
  commands.push_back(make_list_command(app));
  commands.push_back(make_status_command(app));
  commands.push_back(make_relaunch_command(app));
  commands.push_back(make_interrupt_command(app));
  commands.push_back(make_logs_command(app));
  commands.push_back(make_connect_command(app));
  commands.push_back(make_pool_command(app));
  commands.push_back(make_terminate_command(app));
  commands.push_back(make_extend_command(app));
  commands.push_back(make_stop_command(app));
  commands.push_back(make_start_command(app));
  commands.push_back(make_price_command(app));
  commands.push_back(make_cost_command(app));
  commands.push_back(make_history_command(app));
  commands.push_back(make_agent_command(app));
  const auto completion = add_completion_subcommand(app);

  // `spawn ssh` is `spawn connect` (an alias kept out of CLI11, whose help would list "connect, ssh").
  std::string connect = "connect";
  std::vector<char*> args(argv, argv + argc);
  if (argc > 1 && std::string_view(argv[1]) == "ssh") args[1] = connect.data();
  argv = args.data();
  if (argc > 1 && argv[1][0] != '-') {
    bool known = completion->app->get_name() == argv[1];
    std::vector<std::string> names;
    for (const auto& c : commands) {
      known = known || c->app()->get_name() == argv[1];
      names.push_back(c->app()->get_name());
    }
    if (!known) {
      print_usage_error(fmt::format("unknown command '{}' (commands: {})", argv[1], fmt::join(names, ", ")));
      return k_exit_usage;
    }
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp&) {
    fmt::print("{}", app.help());
    return k_exit_ok;
  } catch (const CLI::CallForVersion&) {
    fmt::print("spawn {}\n", SPAWN_VERSION);
    return k_exit_ok;
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) {  // --help on a subcommand
      return app.exit(e);
    }
    std::string where;
    for (const auto& c : commands)
      if (c->app()->parsed()) {
        where = c->app()->get_name();
        for (const CLI::App* sub : c->app()->get_subcommands()) where += " " + sub->get_name();  // agent upload
      }
    print_usage_error(e.what(), where);
    return k_exit_usage;
  }
  if (completion->app->parsed()) {
    fmt::print("{}", completion_script(app, completion->shell));
    return k_exit_ok;
  }
  for (const auto& c : commands) {
    if (!c->app()->parsed()) continue;
    if (auto problem = check_global_options(c->global())) {
      print_usage_error(*problem, c->app()->get_name());
      return k_exit_usage;
    }
    try {
      return c->run();
    } catch (const std::exception& e) {
      print_failure(e.what());
      return k_exit_failure;
    }
  }
  return k_exit_usage;
}

}  // namespace spawn::cli
