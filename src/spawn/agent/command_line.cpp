#include "spawn/agent/command_line.hpp"

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <map>

#include "spawn/agent/version.hpp"
#include "spawn/util/help_format.hpp"
#include "spawn/util/time.hpp"

namespace spawn::agent {
namespace {

struct FlagHelp {
  const char* name;
  const char* value;
  const char* help;
  bool repeated;
};

// One line per flag; the layering of each (environment, spec, file, default) is in config.hpp.
// clang-format off
const FlagHelp k_flags[] = {
  {"config",            "PATH",       "spot settings file (default /etc/spawn/spot-config.json; env SPORED_CONFIG)", false},
  {"imds-endpoint",     "URL",        "instance metadata service (default http://169.254.169.254; env AWS_EC2_METADATA_SERVICE_ENDPOINT)", false},
  {"poll-interval",     "DURATION",   "how often to ask for notices, 100ms..10s (default 1s)", false},
  {"state-dir",         "DIR",        "where events and the checkpoint script are kept (default /var/lib/spawn)", false},
  {"shutdown-command",  "COMMAND",    "run after a terminate/stop notice, split like a shell line but never run by one; '' for none (default: systemctl poweroff)", false},
  {"log-format",        "json|text",  "log lines on stderr (default json)", false},
  {"spot",              "true|false", "true: watch for spot notices even when instance-life-cycle does not say spot; false (the default): instance-life-cycle decides", false},
  {"spec",              "S3URL",      "the launch's spec, s3://bucket/key, read with the instance role (secrets live there)", false},
  {"spec-region",       "REGION",     "the region of the spec's bucket (default: the instance's)", false},
  {"spec-refresh",      "DURATION",   "how often the spec is asked for again (If-None-Match), 1s..3600s (default 60s)", false},
  {"on-interruption",   "ACTION",     "checkpoint | hibernate | terminate (default terminate)", false},
  {"checkpoint-script", "PATH|URL",   "absolute path, s3://bucket/key or https://...", false},
  {"checkpoint-script-region", "REGION", "the region of an s3:// checkpoint script's bucket (default: the instance's)", false},
  {"on-complete",       "ACTION",     "after 'spored complete': terminate | stop | hibernate (default terminate)", false},
  {"notify",            "TARGET",     "SNS topic ARN or https:// webhook; repeatable", true},
  {"ttl-deadline",      "TIME",       "RFC 3339 time at which to terminate this instance", false},
  {"idle-timeout",      "DURATION",   "act once the instance has been idle this long, e.g. 1h (default: never)", false},
  {"on-idle",           "ACTION",     "stop | hibernate | terminate (default stop; terminate on one-time spot)", false},
  {"active-process",    "NAME",       "the instance is busy while a process of this name runs; repeatable", true},
  {"idle-cpu",          "PERCENT",    "busy while the CPUs use more than this share of one CPU (default 5)", false},
  {"proc-root",         "DIR",        "where /proc is read for idle detection (default /proc)", false},
  {"price-alert",       "PRICE",      "tell the notify targets when this pool's spot price goes above PRICE (USD/h), and when it is back", false},
  {"price-check-interval", "DURATION", "how often the pool's spot price is asked for, 1s..1h (default 5m)", false},
};
// clang-format on

std::string one_line(std::string s) {
  for (char& c : s)
    if (c == '\n') c = ' ';
  while (!s.empty() && s.back() == ' ') s.pop_back();
  return s;
}

}  // namespace

std::variant<CommandLine, EarlyExit> parse_command_line(int argc, const char* const* argv) {
  CLI::App app{"spored: the spawn agent. Watches the instance metadata service for spot interruption and "
               "rebalance notices and the instance's TTL; checkpoints, notifies and shuts down.",
               "spored"};
  app.formatter(util::help_formatter());  // before the subcommand, which copies it
  app.set_version_flag("--version", std::string("spored ") + version());
  app.footer(
      "Settings are layered: flag > environment > the launch's spec > config file > default.\n"
      "Instance tags configure nothing.\n"
      "Run without a command to start the daemon (systemd: dist/spored.service).");

  std::map<std::string, std::vector<std::string>> values;
  std::map<std::string, CLI::Option*> options;
  for (const auto& f : k_flags) {
    auto* option = app.add_option(std::string("--") + f.name, values[f.name], f.help)->option_text(f.value);
    if (!f.repeated) option->multi_option_policy(CLI::MultiOptionPolicy::TakeLast)->expected(1);
    options[f.name] = option;
  }
  auto* status = app.add_subcommand("status", "print what spored watches and what it has seen (from --state-dir)");
  status->fallthrough();
  bool json = false;
  std::string status_output = "text";
  status->add_flag("--json", json, "the same as --output json (kept for scripts)");
  status->add_option("--output,-o", status_output, "text or json (default text)")
      ->check(CLI::IsMember({"text", "json"}).description(""))
      ->option_text("text|json");
  status->footer("Reads --state-dir (or SPORED_STATE_DIR, default /var/lib/spawn); --config and the other\n"
                 "settings of spored are read too, and must be valid.");
  auto* complete = app.add_subcommand(
      "complete", "tell the daemon the job is done: it notifies, then ends the instance as --on-complete says");
  complete->fallthrough();
  int completion_status = 0;
  complete->add_option("--status", completion_status, "the job's exit status, 0..255 (default 0), tagged "
                                                      "spawn:completion-status")
      ->check(CLI::Range(0, 255));

  auto* handover = app.add_subcommand(
      "handover", "on a replacement (--relaunch): wait until the member it replaces has finished its checkpoint, "
                  "so that the job resumes from it (run by spawn's user-data before the job)");
  handover->fallthrough();
  std::string handover_timeout = "15m";
  handover->add_option("--timeout", handover_timeout, "the longest wait, e.g. 15m (default 15m); the job starts then")
      ->option_text("DURATION");

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp&) {
    return EarlyExit{k_exit_ok, app.help(), {}};
  } catch (const CLI::CallForVersion&) {
    return EarlyExit{k_exit_ok, std::string("spored ") + version() + "\n", {}};
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0)
      return EarlyExit{k_exit_ok,
                       status->parsed()     ? status->help()
                       : complete->parsed() ? complete->help()
                       : handover->parsed() ? handover->help()
                                            : app.help(),
                       {}};
    return EarlyExit{k_exit_usage, {}, fmt::format("spored: error: {} (see spored --help)\n", one_line(e.what()))};
  }

  CommandLine line;
  line.command = status->parsed()     ? Command::status
                 : complete->parsed() ? Command::complete
                 : handover->parsed() ? Command::handover
                                      : Command::run;
  if (handover->parsed()) {
    auto timeout = util::parse_duration(handover_timeout);
    if (!timeout || timeout->count() < 1 || *timeout > std::chrono::hours(24))
      return EarlyExit{k_exit_usage, {},
                       fmt::format("spored: error: --timeout: expected a duration from 1s to 24h such as 15m, got '{}' "
                                   "(see spored handover --help)\n", one_line(handover_timeout))};
    line.handover_timeout = *timeout;
  }
  line.completion_status = completion_status;
  line.status_format = json || status_output == "json" ? StatusFormat::json : StatusFormat::text;
  for (const auto& [name, option] : options)
    if (option->count() > 0) line.flags[name] = values[name];
  return line;
}

}  // namespace spawn::agent
