#include "spawn/agent/app.hpp"

#include <fmt/format.h>
#include <signal.h>

#include <cstdio>
#include <exception>
#include <thread>

#include "spawn/agent/command_line.hpp"
#include "spawn/agent/completion.hpp"
#include "spawn/agent/config.hpp"
#include "spawn/agent/daemon.hpp"
#include "spawn/agent/handover.hpp"
#include "spawn/agent/instance.hpp"
#include "spawn/agent/s3_fetch.hpp"
#include "spawn/agent/status.hpp"
#include "spawn/aws/auth/caching_provider.hpp"
#include "spawn/aws/auth/instance_role_provider.hpp"
#include "spawn/aws/http/socket_transport.hpp"
#include "spawn/model/tags.hpp"
#include "spawn/util/encoding.hpp"
#include "spawn/util/files.hpp"
#include "spawn/util/process_group.hpp"
#include "spawn/util/signals.hpp"

namespace spawn::agent {
namespace {

// "spored: error: <what>", one line whatever the values quoted in it hold.
int print_error(const std::string& message, int exit_code) {
  std::fputs(fmt::format("spored: error: {}\n", util::escape_controls(message)).c_str(), stderr);
  return exit_code;
}

int usage_error(const std::string& message) { return print_error(message, k_exit_usage); }

int run_daemon(const Sources& sources, const AgentConfig& config) {
  auto log = std::make_shared<Logger>(config.log_format);
  if (auto made = util::ensure_dir(config.state_dir, 0755); !made) return print_error(made.error(), k_exit_failure);
  if (auto reaper = util::become_child_subreaper(); !reaper)
    log->warning("subreaper_unavailable", {{"error", reaper.error()},
                                           {"consequence", "orphans of the checkpoint script are reaped by init"}});

  auto transport = std::make_shared<aws::http::SocketTransport>();
  aws::imds::Options imds_options;
  imds_options.endpoint = config.imds_endpoint;
  auto imds = std::make_shared<aws::imds::Client>(transport, imds_options);
  // The credentials get their own metadata client: the loop's is used by the loop's thread only,
  // and the caching provider lets one caller at a time reach this one.
  auto credentials = aws::auth::make_caching_provider(
      aws::auth::make_instance_role_provider(std::make_shared<aws::imds::Client>(transport, imds_options)));

  DaemonParts parts;
  parts.sources = sources;
  parts.config = config;
  parts.log = log;
  parts.imds = imds;
  // One AWS context for the instance, built when discovery has found its region.
  auto aws = std::make_shared<std::shared_ptr<AwsContext>>();
  auto context_for = [aws, environment = sources.environment, transport, credentials](const InstanceFacts& instance) {
    if (!*aws) *aws = std::make_shared<AwsContext>(instance.region, environment, transport, credentials);
    return *aws;
  };
  parts.make_actions = [context_for](const InstanceFacts& instance) {
    return make_aws_actions(context_for(instance), instance.instance_id);
  };
  parts.make_fetch = [context_for](const InstanceFacts& instance, const std::string& s3_region) {
    return make_remote_fetch(context_for(instance), s3_region);
  };
  parts.make_spec_fetch = [context_for](const InstanceFacts& instance) -> SpecFetch {
    return [aws = context_for(instance)](const std::string& url, const std::string& region, const std::string& etag) {
      return get_s3_object(*aws, url, region, etag, k_max_spec_bytes);
    };
  };
  parts.make_event_put = [context_for](const InstanceFacts& instance, const EventLogLocation& location) {
    return make_s3_event_put(context_for(instance), location);
  };
  parts.make_price_read = [context_for](const InstanceFacts& instance) {
    return make_spot_price_read(context_for(instance), instance.instance_type, instance.availability_zone);
  };
  parts.shutdown = make_shutdown_command(config.shutdown_command);

  Daemon daemon(std::move(parts));
  // After the daemon, so the watcher (and its thread) is gone before the daemon is: a signal
  // arriving as run_daemon returns finds no watcher instead of a destroyed daemon.
  util::SignalWatcher signals([&daemon, log](int signo) {
    log->info("signal", {{"signal", signo == SIGTERM ? "SIGTERM" : signo == SIGINT ? "SIGINT" : "SIGHUP"}});
    if (signo != SIGHUP) daemon.stop();
  });
  return daemon.run();
}

// `spored handover`: the gate of a replacement's job (agent/handover.hpp). Always exit 0 once it
// has waited (the job must start in the end); 1 only when this is no instance at all.
int run_handover(const AgentConfig& config, std::chrono::seconds timeout) {
  auto log = std::make_shared<Logger>(config.log_format);
  auto transport = std::make_shared<aws::http::SocketTransport>();
  aws::imds::Options imds_options;
  imds_options.endpoint = config.imds_endpoint;
  auto imds = std::make_shared<aws::imds::Client>(transport, imds_options);
  auto region = imds->get("meta-data/placement/region");
  if (!region || !*region) return print_error("the metadata service names no region: is this an EC2 instance?", k_exit_failure);
  auto credentials = aws::auth::make_caching_provider(
      aws::auth::make_instance_role_provider(std::make_shared<aws::imds::Client>(transport, imds_options)));
  auto aws = std::make_shared<AwsContext>(**region, aws::config::process_environment(), transport, credentials);
  auto actions = make_aws_actions(aws, "");
  HandoverSteps steps;
  steps.replaces = [imds]() -> aws::Result<std::optional<std::string>> {
    auto tags = read_instance_tags(*imds, {model::tag::k_replaces});
    if (!tags) return unexpected(tags.error());
    if (!*tags || !(*tags)->contains(model::tag::k_replaces)) return std::optional<std::string>();
    return std::optional<std::string>((*tags)->at(model::tag::k_replaces));
  };
  steps.describe = [actions](const std::string& id) { return actions->describe_instance(id); };
  steps.sleep = [](std::chrono::seconds d) { std::this_thread::sleep_for(d); };
  steps.steady = [] { return std::chrono::steady_clock::now(); };
  wait_for_handover(*log, steps, timeout);
  return k_exit_ok;
}

}  // namespace

int run_spored(int argc, const char* const* argv) {
  // Before any thread exists, so every thread inherits the mask (see util/signals.hpp).
  util::block_daemon_signals();
  try {
    auto parsed = parse_command_line(argc, argv);
    if (auto* early = std::get_if<EarlyExit>(&parsed)) {
      std::fputs(early->out.c_str(), stdout);
      std::fputs(early->err.c_str(), stderr);
      return early->code;
    }
    const auto& line = std::get<CommandLine>(parsed);

    Sources sources;
    sources.flags = line.flags;
    sources.environment = aws::config::process_environment();
    sources.file_path = config_file_path(line.flags, sources.environment);
    const MustExist named = line.flags.contains("config") || sources.environment("SPORED_CONFIG").has_value()
                                ? MustExist::yes
                                : MustExist::no;
    if (line.command == Command::run) {
      auto file = load_config_file(sources.file_path, named);
      if (!file) return usage_error(file.error());
      sources.file = std::move(*file);
    }
    auto config = resolve_config(sources);
    if (!config) return usage_error(config.error().message);

    if (line.command == Command::complete) {
      auto done = request_completion(config->state_dir, line.completion_status, std::chrono::system_clock::now());
      if (!done) return print_error(done.error(), k_exit_failure);
      std::fputs(done->message.c_str(), stdout);
      return k_exit_ok;
    }
    if (line.command == Command::handover) return run_handover(*config, line.handover_timeout);
    if (line.command == Command::status) {
      auto report = status_report(config->state_dir, line.status_format);
      std::fputs(report.text.c_str(), report.exit_code == 0 ? stdout : stderr);
      return report.exit_code;
    }
    return run_daemon(sources, *config);
  } catch (const std::exception& e) {
    return print_error(e.what(), k_exit_failure);
  }
}

}  // namespace spawn::agent
