#include "spawn/cli/launch_command.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <thread>

#include "spawn/aws/config/partitions.hpp"
#include "spawn/cli/choices.hpp"
#include "spawn/cli/idle_flags.hpp"
#include "spawn/cli/launch_agent.hpp"
#include "spawn/cli/launch_flags.hpp"
#include "spawn/cli/launch_pricing.hpp"
#include "spawn/cli/launch_regions.hpp"
#include "spawn/cli/output.hpp"
#include "spawn/cli/prices.hpp"
#include "spawn/cli/session.hpp"
#include "spawn/launcher/launch_resources.hpp"
#include "spawn/launcher/launch_spec.hpp"
#include "spawn/launcher/launcher.hpp"
#include "spawn/launcher/spored_role.hpp"
#include "spawn/util/time.hpp"

namespace spawn::cli {
namespace {

constexpr const char* k_examples = R"(
Examples:
  spawn launch --instance-type m7i.large --name build-box
  spawn launch --instance-type c7i.large --count 8 --job-array-name render --wait
  spawn launch --instance-type t3.micro --user-data @setup.sh --tag team=ml --output json
  spawn launch --instance-type m7i.large --dry-run          # check permissions, launch nothing
  spawn launch --instance-type m7i.large --spot --spot-max-price 0.05 --spot-fallback
  spawn launch --instance-types m7i.large,m6i.large,m5.large --spot --count 8 --job-array-name sim
  spawn launch --instance-type c7i.large --count 8 --spot --spot-count 6   # 6 spot + 2 on-demand
  spawn launch --instance-type m7i.large --spot --on-interruption checkpoint --checkpoint-script ./save.sh
  spawn launch --instance-type m7i.large --spot --on-interruption hibernate
  spawn launch --instance-types g5.xlarge,g6.xlarge --spot --count 8 --regions us-east-1,us-west-2,eu-west-1
  spawn launch --instance-type g5.xlarge --spot --count 8 --ttl 4h   # savings over the 4 hours
  spawn launch --instance-type m7i.large --spot --notify arn:aws:sns:us-east-1:123456789012:alerts

Spot:
  A spot instance costs much less but EC2 can take it back with two minutes' notice; spored on
  the instance then does what --on-interruption says. checkpoint runs --checkpoint-script (a local
  file is embedded in the user-data; s3:// and https:// are fetched on the instance). hibernate:
  EC2 saves the instance's memory to its encrypted root volume and stops it, and resumes it when
  capacity returns; the instance keeps its memory and spawn does not power it off (you pay for its
  volumes until you terminate it). Several types, several subnets or --spot-count launch through
  one EC2 Fleet; job-array indices go to spot instances first, then on-demand ones.

spored:
  The agent that does this on the instance comes from 'spawn agent upload' (once; the instance
  downloads it with a URL valid for an hour and checks its sha256) or from --agent-url. It runs
  with --iam-instance-profile, or else with the instance profile spawn-spored that spawn creates
  once (least privilege, see docs/spored.md). --notify tells SNS topics and https:// webhooks
  about interruptions.

Prices:
  With --spot, spawn says before launching what spot saves per type (the cheapest AZ's spot price
  against the on-demand price), and after it what the array or the --ttl costs, spot against
  on-demand. On-demand prices come from the AWS Price List API (cached a week), or when it cannot
  be asked from a dated table shipped with spawn, marked ~ (approximate). See 'spawn price'.)";

class LaunchCommand final : public Command {
 public:
  explicit LaunchCommand(CLI::App& parent) : Command(parent, "launch", "Launch EC2 instances") {
    m_app->footer(k_examples);
    m_flags.add_instance(*m_app, m_options);
    m_app->add_option("--name", m_name, "Name tag (job arrays: NAME-INDEX)");
    m_app->add_option("--count,-n", m_options.count, "number of instances; more than one makes a job array (default 1)");
    m_app->add_option("--job-array-name", m_job_array_name, "name of the job array (tag spawn:job-array-name)");
    m_flags.add_tags(*m_app);
    m_app->add_flag("--dry-run", m_options.dry_run, "ask EC2 whether the launch would be allowed; launch nothing");
    m_app->add_flag("--wait", m_options.wait, "wait until every instance is running");
    m_app->add_option("--ttl", m_ttl,
                      "time to live, e.g. 8h, 90m, 1h30m: spored terminates the instance then (tag spawn:ttl-deadline)");
    offer_choices(m_app->add_option("--on-complete", m_on_complete,
                                    "what spored does when the job runs 'spored complete' (default terminate): "
                                    "terminate, stop or hibernate"),
                  names_of(model::k_on_completes));
    m_idle.add_to(*m_app);
    m_app->add_flag("--spot", m_options.spot.enabled, "launch as spot");
    m_flags.add_spot_pricing(*m_app, SpotFlagsNeed::spot);
    m_app->add_flag("--spot-fallback", m_options.spot.fallback, "with --spot: launch on demand when spot capacity is unavailable");
    m_app->add_option("--spot-count", m_spot_count, "with --spot, in a job array: N spot instances, the rest on demand");
    m_flags.add_interruption_and_agent(*m_app, SpotFlagsNeed::spot);
    m_app->add_option("--relaunch", m_relaunch,
                      "with --spot: an interrupted member asks EC2 for its replacement (same index, another pool), at "
                      "most N times per index (1-10)");
    offer_choices(m_app->add_option("--rebalance", m_rebalance,
                                    "with --spot: on a rebalance recommendation, checkpoint early, or move (with "
                                    "--relaunch: replace the member before it is interrupted)"),
                  names_of(model::k_rebalances));
    m_app->add_option("--regions", m_regions,
                      "with --spot: the region where spot is most likely and cheapest (placement score, then price), "
                      "the next one on a capacity error; comma-separated, or 'auto' for every enabled region");
  }

  int run() override {
    m_options.name = m_name;
    m_options.job_array_name = m_job_array_name;
    if (auto flags = m_flags.read(m_options); !flags) return usage(flags.error());
    m_options.spot.spot_count = m_spot_count;
    if (m_relaunch) {
      auto n = model::parse_relaunch(*m_relaunch);
      if (!n) return usage(n.error());
      m_options.relaunch.max = *n;
    }
    if (m_rebalance) {
      auto r = model::parse_rebalance(*m_rebalance);
      if (!r) return usage(r.error());
      m_options.relaunch.rebalance = *r;
    }
    if (m_ttl) {
      auto ttl = util::parse_duration(*m_ttl);
      if (!ttl) return usage({"--ttl: expected a duration such as 8h, 90m or 1h30m, got '" + *m_ttl + "'", ""});
      m_options.ttl = *ttl;
    }
    if (m_on_complete) {
      auto on_complete = model::parse_on_complete(*m_on_complete);
      if (!on_complete) return usage(on_complete.error());
      m_options.on_complete = *on_complete;
    }
    auto idle = m_idle.read();
    if (!idle) return usage(idle.error());
    m_options.idle = std::move(*idle);
    if (auto ok = model::validate(m_options); !ok) return usage(ok.error());
    auto regions = read_launch_regions(m_regions, m_options, m_global);
    if (!regions) return usage(regions.error());
    auto agent = plan_agent(m_options, m_flags.agent(), spawn_config_path(aws::config::process_environment()));
    if (!agent) return usage(agent.error());
    const std::vector<AgentLocation>& uploads = agent->uploads;
    // All of spawn's uploads are in one bucket (spawn agent upload keeps them so).
    const AgentLocation* remembered = uploads.empty() ? nullptr : &uploads.front();
    // Everything decided before the first request: a user-data over 16 KB is bad usage too.
    // (Built again below once the bucket's endpoint and regions are known.)
    const launcher::LaunchIds ids = launcher::new_launch_ids();
    std::optional<std::string> ttl_deadline;
    if (m_options.ttl) ttl_deadline = util::format_rfc3339(std::chrono::system_clock::now() + *m_options.ttl);
    launcher::AgentSetup setup;
    if (agent->install && agent->source) {
      setup.install = launcher::agent_install_snippet(*agent->source);
      setup.architectures = agent->source->architectures();
    } else if (agent->install) {
      setup.install = launcher::agent_install_snippet(placeholder_source(uploads));
    }
    if (remembered) setup.spec = launcher::spec_location(remembered->bucket, remembered->region, ids.launch_id);
    auto prepared = launcher::prepare_launch(m_options, setup, ids, ttl_deadline);
    if (!prepared) return usage(prepared.error());

    // --regions: where to launch first, said before anything is made.
    std::vector<std::string> order;
    if (!regions->empty()) {
      auto ordered = order_launch_regions(m_global, *regions, m_options);
      if (!ordered) return k_exit_failure;
      order = std::move(*ordered);
      m_global.region = order.front();
    }
    auto session = Session::open(m_global);
    if (!session) return report_open_failure(session.error());
    const bool quiet = m_global.output == OutputFormat::json;
    auto say = [quiet](const std::string& line) {
      if (!quiet) fmt::print(stderr, "{}\n", line);
    };
    if (auto completed = complete_agent_setup(setup, *agent, m_options, *session); !completed) {
      print_error(completed.error());
      return k_exit_failure;
    }
    prepared = launcher::prepare_launch(m_options, setup, ids, ttl_deadline);
    if (!prepared) return usage(prepared.error());

    // What the launch keeps in the account beside its instances: its spec and its role. A launch
    // that fails removes them again; `spawn terminate` removes them with the last instance.
    std::optional<aws::s3::Client> bucket;
    if (remembered) bucket = session->s3(remembered->bucket, remembered->region);
    const launcher::ResourceClients resources{session->ec2(), session->iam(), bucket ? &*bucket : nullptr};
    const bool makes_role = agent->install && !m_options.iam_instance_profile;
    if (makes_role && !m_options.dry_run) {
      auto swept = launcher::sweep_finished_launches(resources, std::chrono::system_clock::now());
      for (const auto& e : swept.errors) fmt::print(stderr, "spawn: warning: {}\n", e);
      if (!swept.removed.empty())
        say(fmt::format("Removed the roles and settings of {} finished launch(es)", swept.removed.size()));
      if (swept.remaining >= launcher::k_max_launch_roles) {
        print_failure(fmt::format("{} launches of spawn still have their IAM role (the bound is {}): terminate finished "
                                  "ones with 'spawn terminate', which removes their roles",
                                  swept.remaining, launcher::k_max_launch_roles));
        return k_exit_failure;
      }
    }
    bool created = false;
    auto undo = [&] {
      if (!created) return;
      if (auto gone = launcher::delete_launch_resources(resources, ids.launch_id); !gone)
        fmt::print(stderr, "spawn: warning: the launch's role {} or its settings in s3://{} could not be removed ({}); "
                           "the next launch or 'spawn terminate' removes them\n",
                   launcher::launch_role_name(ids.launch_id), bucket ? remembered->bucket : "-",
                   gone.error().describe());
    };
    if (setup.spec) {
      const std::string document = launcher::spec_document(spec_input(ids.launch_id, ttl_deadline, setup));
      if (m_options.dry_run) {
        say("Dry run: would write the launch's settings to " + setup.spec->url());
      } else {
        created = true;
        if (auto put = bucket->put_object(setup.spec->key, document, "application/json"); !put) {
          print_error(put.error());
          undo();
          return k_exit_failure;
        }
      }
    }
    bool new_profile = false;
    if (makes_role) {
      auto profile = launcher::ensure_spored_profile(
          session->iam(), spored_grants(m_options, session->region(), ids.launch_id, uploads),
          m_options.dry_run ? launcher::Apply::no : launcher::Apply::yes);
      created = created || !m_options.dry_run;
      if (!profile) {
        print_error(profile.error());
        fmt::print(stderr, "spawn: hint: spawn makes an instance profile for each launch's spored; without IAM rights, "
                           "pass --iam-instance-profile NAME (a profile with the policy in docs/spored.md) or --no-agent\n");
        undo();
        return k_exit_failure;
      }
      if (m_options.dry_run) {
        for (const auto& change : profile->changes) say("Dry run: would " + change);
      } else {
        say(fmt::format("IAM: made the role and instance profile {} for this launch's spored (removed with its "
                        "last instance)",
                        profile->name));
      }
      if (m_options.dry_run)
        say(fmt::format("Dry run: the policy '{}' of the IAM role {} would be:\n{}", launcher::k_spored_policy,
                        profile->name, profile->policy.dump(2)));
      // A dry run cannot name a profile that does not exist yet.
      if (profile->exists) m_options.iam_instance_profile = profile->name;
      new_profile = profile->profile_created && !m_options.dry_run;
    }
    // Spot: what it saves, said before anything is launched. With --regions, a region that has no
    // spot capacity is followed by the next one (its launch rolled back, nothing left there).
    std::optional<LaunchPricing> pricing;
    std::optional<launcher::Launcher> launcher;
    std::optional<Session> elsewhere;
    aws::Result<launcher::LaunchResult> result = unexpected(aws::local_error("NotLaunched", "no launch was tried"));
    for (size_t attempt = 0;; ++attempt) {
      const Session* here = &*session;
      if (attempt > 0) {
        GlobalOptions next = m_global;
        next.region = order[attempt];
        auto opened = Session::open(next);
        if (!opened) {
          undo();
          return report_open_failure(opened.error());
        }
        elsewhere.emplace(std::move(*opened));
        here = &*elsewhere;
      }
      if (m_options.spot.enabled) {
        pricing = price_launch(*here, prepared->plan.instance_types);
        if (!quiet)
          for (const auto& line : savings_lines(*pricing)) fmt::print("{}\n", line);
      }
      launcher.emplace(
          here->ec2(), here->ssm(),
          [quiet](const std::string& line) {
            if (!quiet) fmt::print(stderr, "{}\n", line);
          },
          [](const std::string& line) { fmt::print(stderr, "{}\n", line); });
      auto launch = [&]() { return launcher->launch(m_options, *prepared); };
      result = new_profile ? launcher::retry_while_profile_propagates<launcher::LaunchResult>(
                                 launch, [](const std::string& line) { fmt::print(stderr, "{}\n", line); },
                                 [](std::chrono::seconds s) { std::this_thread::sleep_for(s); })
                           : launch();
      new_profile = false;  // EC2 has seen the profile by now
      if (result || attempt + 1 >= order.size() || !aws::is_capacity(result.error())) break;
      fmt::print(stderr, "spawn: no spot capacity in {} ({}); trying {}\n", order[attempt], result.error().code,
                 order[attempt + 1]);
    }
    if (!result) {
      print_error(result.error());
      if (result.error().code == "AgentArchitectureMissing" && remembered)
        fmt::print(stderr,
                   "spawn: hint: 'spawn agent upload --bucket {0}' uploads every spored built beside spawn (make builds "
                   "spored and spored-aarch64); for one built elsewhere: 'spawn agent upload --bucket {0} --binary "
                   "PATH'\n",
                   remembered->bucket);
      undo();
      return k_exit_failure;
    }
    // Said once it matters (instances exist, or would), not before a launch that fails anyway.
    if (!agent->warning.empty()) fmt::print(stderr, "spawn: warning: {}\n", agent->warning);
    if (result->dry_run) {
      fmt::print("Dry run: the launch would succeed (EC2 checked your permissions; nothing was launched).\n");
      if (pricing && wants_total()) {
        const auto planned = planned_members(prepared->plan, pricing->region);
        if (!planned.empty())
          fmt::print("{}\n", estimate_line(launch_estimate(*pricing, planned, m_options.ttl), prepared->plan.spot_count,
                                           prepared->plan.on_demand_count));
      }
      return k_exit_ok;
    }
    if (m_options.wait) {
      std::vector<std::string> ids;
      for (const auto& li : result->instances) ids.push_back(li.instance.instance_id);
      const bool tty = isatty(STDERR_FILENO) && !quiet;
      auto running = launcher->wait_running(ids, [tty](size_t ready, size_t total) {
        if (tty) fmt::print(stderr, "\rWaiting for instances: {}/{} running", ready, total);
      });
      if (tty) fmt::print(stderr, "\n");
      if (!running) {
        print_error(running.error());
        return k_exit_failure;
      }
      for (auto& li : result->instances)
        for (const auto& i : *running)
          if (i.instance_id == li.instance.instance_id) {
            li.instance.state = i.state;
            li.instance.availability_zone = i.availability_zone;
            li.instance.public_ip = i.public_ip;
            li.instance.private_ip = i.private_ip;
          }
    }
    print_result(*result, pricing);
    return k_exit_ok;
  }

 private:
  int usage(const model::UsageError& error) {
    if (error.hint.empty()) {
      print_usage_error(error.message, "launch");
    } else {
      print_failure(error.message);
      fmt::print(stderr, "spawn: hint: {}\n", error.hint);
    }
    return k_exit_usage;
  }

  launcher::SpecInput spec_input(const std::string& launch_id, const std::optional<std::string>& ttl_deadline,
                                 const launcher::AgentSetup& setup) const {
    launcher::SpecInput in;
    in.launch_id = launch_id;
    in.on_interruption = m_options.spot.interruption();
    in.checkpoint_script = m_options.spot.checkpoint_script;
    in.checkpoint_script_region = setup.checkpoint_script_region;
    in.notify = m_options.spot.notify;
    in.ttl_deadline = ttl_deadline;
    return in;
  }

  // The total is said for a job array, or over --ttl.
  bool wants_total() const { return m_options.job_array() || m_options.ttl.has_value(); }

  void print_result(const launcher::LaunchResult& r, const std::optional<LaunchPricing>& pricing) const {
    std::optional<model::Estimate> estimate;
    if (pricing) estimate = launch_estimate(*pricing, launched_members(r, pricing->region), m_options.ttl);
    if (m_global.output == OutputFormat::json) {
      nlohmann::json instances = nlohmann::json::array();
      for (const auto& li : r.instances) {
        instances.push_back({{"instance_id", li.instance.instance_id},
                             {"instance_type", li.instance.instance_type},
                             {"lifecycle", li.instance.lifecycle},
                             {"availability_zone", li.instance.availability_zone},
                             {"state", li.instance.state},
                             {"job_array_index", li.job_array_index ? nlohmann::json(*li.job_array_index) : nlohmann::json()},
                             {"name", li.name},
                             {"public_ip", address_json(li.instance.public_ip)},
                             {"private_ip", address_json(li.instance.private_ip)}});
      }
      nlohmann::json out{{"instances", instances},
                         {"job_array_id", r.job_array_id.empty() ? nlohmann::json() : nlohmann::json(r.job_array_id)},
                         {"fallback", r.fallback},
                         {"pricing", pricing ? pricing_json(*pricing, *estimate) : nlohmann::json()}};
      fmt::print("{}\n", out.dump(2));
      return;
    }
    std::vector<std::vector<std::string>> rows;
    size_t spot = 0, fell_back = 0;
    for (const auto& li : r.instances) {
      std::vector<std::string> row{li.instance.instance_id, li.name.empty() ? "-" : li.name, li.instance.instance_type,
                                   li.instance.availability_zone, li.instance.lifecycle};
      if (r.spot) row.push_back(max_price_cell(r, li));
      row.push_back(li.instance.state);
      row.push_back(li.job_array_index ? std::to_string(*li.job_array_index) : "-");
      if (m_options.wait) row.push_back(address_cell(li.instance));
      rows.push_back(std::move(row));
      if (li.instance.spot()) ++spot;
      if (li.fell_back) ++fell_back;
    }
    std::string split;
    if (r.spot)
      split = fmt::format(": {} spot, {} on-demand{}", spot, r.instances.size() - spot,
                          fell_back ? fmt::format(" ({} in place of missing spot capacity)", fell_back) : "");
    fmt::print("Launched {} instance{}{}{}\n", r.instances.size(), r.instances.size() == 1 ? "" : "s",
               r.job_array_id.empty() ? "" : " as job array " + r.job_array_id, split);
    std::vector<std::string> header{"ID", "NAME", "TYPE", "AZ", "LIFECYCLE"};
    if (r.spot) header.push_back("MAX PRICE");
    header.insert(header.end(), {"STATE", "INDEX"});
    if (m_options.wait) header.push_back("ADDRESS");
    fmt::print("{}", render_table(header, rows));
    if (estimate && wants_total()) {
      size_t on_demand = 0;
      for (const auto& li : r.instances) on_demand += li.instance.spot() ? 0 : 1;
      fmt::print("{}\n", estimate_line(*estimate, static_cast<int>(r.instances.size() - on_demand),
                                       static_cast<int>(on_demand)));
    }
  }

  // Spot: the max price per hour, or "on-demand price" (EC2's default cap); "-" on demand.
  static std::string max_price_cell(const launcher::LaunchResult& r, const launcher::LaunchedInstance& li) {
    if (!li.instance.spot()) return "-";
    return r.spot_max_price == "on-demand" ? "on-demand price" : "$" + r.spot_max_price + "/h";
  }

  model::LaunchOptions m_options;
  LaunchFlags m_flags;
  std::optional<std::string> m_name, m_job_array_name, m_ttl, m_on_complete, m_relaunch, m_rebalance;
  std::optional<int> m_spot_count;
  std::vector<std::string> m_regions;
  IdleFlags m_idle;
};

}  // namespace

std::unique_ptr<Command> make_launch_command(CLI::App& parent) { return std::make_unique<LaunchCommand>(parent); }

}  // namespace spawn::cli
