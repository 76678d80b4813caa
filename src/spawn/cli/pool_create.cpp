#include "spawn/cli/pool_create.hpp"

#include <fmt/format.h>

#include <nlohmann/json.hpp>
#include <thread>

#include "spawn/aws/config/partitions.hpp"
#include "spawn/cli/output.hpp"
#include "spawn/cli/session.hpp"
#include "spawn/launcher/launch_resources.hpp"
#include "spawn/launcher/launch_spec.hpp"
#include "spawn/launcher/launcher.hpp"
#include "spawn/launcher/pool.hpp"
#include "spawn/launcher/spored_role.hpp"
#include "spawn/launcher/spot_plan.hpp"
#include "spawn/model/tags.hpp"
#include "spawn/util/encoding.hpp"

namespace spawn::cli {
namespace {
namespace tag = model::tag;

int usage(const model::UsageError& error) {
  if (error.hint.empty()) {
    print_usage_error(error.message, "pool create");
  } else {
    print_failure(error.message);
    fmt::print(stderr, "spawn: hint: {}\n", error.hint);
  }
  return k_exit_usage;
}

// The user-data of every member: spawn's part for either market (a pool holds both, and EC2
// launches the replacements), the user's own after it.
expected<std::string, model::UsageError> member_user_data(const model::LaunchOptions& o, const launcher::AgentSetup& setup) {
  launcher::SpotSetup spot = launcher::spot_setup(o, setup, std::nullopt);
  spot.market = launcher::SpotMarket::per_instance;
  return launcher::build_user_data(spot, o.user_data);
}

}  // namespace

int run_pool_create(model::PoolOptions options, const AgentFlags& agent_flags, const GlobalOptions& global) {
  model::LaunchOptions& o = options.launch;
  o.spot.enabled = true;  // a pool is spot (its --spot-count may make some or all members on demand)
  o.count = options.capacity;
  if (auto ok = model::validate(options); !ok) return usage(ok.error());
  auto agent = plan_agent(o, agent_flags, spawn_config_path(aws::config::process_environment()));
  if (!agent) return usage(agent.error());
  const std::vector<AgentLocation>& uploads = agent->uploads;
  const AgentLocation* remembered = uploads.empty() ? nullptr : &uploads.front();
  const launcher::LaunchIds ids = launcher::new_launch_ids();
  launcher::AgentSetup setup;
  if (agent->install && agent->source) {
    setup.install = launcher::agent_install_snippet(*agent->source);
    setup.architectures = agent->source->architectures();
  } else if (agent->install) {
    setup.install = launcher::agent_install_snippet(placeholder_source(uploads));
  }
  if (remembered) setup.spec = launcher::spec_location(remembered->bucket, remembered->region, ids.launch_id);
  if (auto data = member_user_data(o, setup); !data) return usage(data.error());

  auto session = Session::open(global);
  if (!session) return report_open_failure(session.error());
  const bool quiet = global.output == OutputFormat::json;
  auto say = [quiet](const std::string& line) {
    if (!quiet) fmt::print(stderr, "{}\n", line);
  };
  const aws::ec2::Client ec2 = session->ec2();
  // The name first: a pool of that name is the one thing this create must not touch.
  auto taken = launcher::find_pool(ec2, options.name);
  if (!taken) {
    print_error(taken.error());
    return k_exit_failure;
  }
  if (*taken)
    return usage({fmt::format("a pool named {} already exists (fleet {})", options.name, (*taken)->fleet.fleet_id),
                  fmt::format("'spawn pool resize {0} --capacity N' changes its size; 'spawn pool delete {0}' removes it",
                              options.name)});

  // What the instance types are, and which AMI serves them.
  const std::vector<std::string> types = o.all_instance_types();
  auto infos = ec2.describe_instance_types(types);
  if (!infos) {
    print_error(infos.error());
    return k_exit_failure;
  }
  auto arch = launcher::common_architecture(*infos, types, options.spot() > 0);
  if (!arch) {
    print_error(arch.error());
    return k_exit_failure;
  }
  if (auto completed = complete_agent_setup(setup, *agent, o, *session); !completed) {
    print_error(completed.error());
    return k_exit_failure;
  }
  if (auto fits = launcher::check_agent_architecture(types, *arch, setup.architectures); !fits) {
    print_error(fits.error());
    return k_exit_failure;
  }
  std::string ami;
  if (o.ami) {
    ami = *o.ami;
  } else {
    auto found = session->ssm().get_parameter("/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-" + *arch);
    if (!found) {
      print_error(found.error());
      return k_exit_failure;
    }
    ami = *found;
    say(fmt::format("Using the latest Amazon Linux 2023 AMI {}", ami));
  }
  auto user_data = member_user_data(o, setup);
  if (!user_data) return usage(user_data.error());

  // The pool's spec and role live as long as the pool: 'spawn pool delete' removes them.
  std::optional<aws::s3::Client> bucket;
  if (remembered) bucket = session->s3(remembered->bucket, remembered->region);
  const launcher::ResourceClients resources{ec2, session->iam(), bucket ? &*bucket : nullptr};
  bool created = false;
  auto undo = [&] {
    if (!created) return;
    if (auto gone = launcher::delete_launch_resources(resources, ids.launch_id); !gone)
      fmt::print(stderr, "spawn: warning: the pool's role {} or its settings could not be removed ({})\n",
                 launcher::launch_role_name(ids.launch_id), gone.error().describe());
  };
  if (setup.spec) {
    launcher::SpecInput spec;
    spec.launch_id = ids.launch_id;
    spec.on_interruption = o.spot.interruption();
    spec.checkpoint_script = o.spot.checkpoint_script;
    spec.checkpoint_script_region = setup.checkpoint_script_region;
    spec.notify = o.spot.notify;
    created = true;
    if (auto put = bucket->put_object(setup.spec->key, launcher::spec_document(spec), "application/json"); !put) {
      print_error(put.error());
      undo();
      return k_exit_failure;
    }
  }
  bool new_profile = false;
  if (agent->install && !o.iam_instance_profile) {
    auto profile = launcher::ensure_spored_profile(session->iam(),
                                                   spored_grants(o, session->region(), ids.launch_id, uploads),
                                                   launcher::Apply::yes);
    created = true;
    if (!profile) {
      print_error(profile.error());
      fmt::print(stderr, "spawn: hint: spawn makes an instance profile for each pool's spored; without IAM rights, "
                         "pass --iam-instance-profile NAME (a profile with the policy in docs/spored.md) or --no-agent\n");
      undo();
      return k_exit_failure;
    }
    say(fmt::format("IAM: made the role and instance profile {} for this pool's spored (removed with the pool)",
                    profile->name));
    o.iam_instance_profile = profile->name;
    new_profile = profile->profile_created;
  }

  aws::ec2::Tags own{{tag::k_pool, options.name}, {tag::k_launch_id, ids.launch_id}};
  launcher::PoolCreateInput in;
  in.name = options.name;
  in.launch_template.image_id = ami;
  in.launch_template.key_name = o.key_name;
  in.launch_template.security_group_ids = o.security_group_ids;
  in.launch_template.iam_instance_profile = o.iam_instance_profile;
  in.launch_template.user_data_base64 = util::base64_encode(*user_data);
  in.launch_template.instance_tags = launcher::base_tags();
  in.launch_template.instance_tags[tag::k_name] = options.name;  // the console's name column; a --tag Name wins
  for (const auto& [k, v] : o.tags) in.launch_template.instance_tags[k] = v;
  for (const auto& [k, v] : launcher::launch_spot_tags(o.spot)) in.launch_template.instance_tags[k] = v;
  for (const auto& [k, v] : own) in.launch_template.instance_tags[k] = v;
  in.launch_template.template_tags = launcher::base_tags();
  for (const auto& [k, v] : own) in.launch_template.template_tags[k] = v;
  in.launch_template.shutdown_behavior = "terminate";  // a power-off ends the member; the fleet replaces it
  in.overrides = launcher::fleet_overrides(o, options.spot() > 0);
  in.capacity = options.capacity;
  in.spot_count = options.spot();
  in.allocation_strategy = std::string(model::to_string(o.spot.strategy()));
  in.fleet_tags = in.launch_template.template_tags;

  const launcher::LaunchContext ctx{ec2, say, [](const std::string& line) { fmt::print(stderr, "{}\n", line); }, {}};
  std::function<aws::Result<launcher::PoolCreated>()> create = [&] { return launcher::create_pool(ctx, in); };
  auto made = new_profile ? launcher::retry_while_profile_propagates<launcher::PoolCreated>(
                                create, [](const std::string& line) { fmt::print(stderr, "{}\n", line); },
                                [](std::chrono::seconds s) { std::this_thread::sleep_for(s); })
                          : create();
  if (!made) {
    print_error(made.error());
    undo();
    return k_exit_failure;
  }
  if (!agent->warning.empty()) fmt::print(stderr, "spawn: warning: {}\n", agent->warning);
  const int on_demand = options.capacity - options.spot();
  if (quiet) {
    nlohmann::json out{{"name", options.name},          {"fleet_id", made->fleet_id},
                       {"launch_template_id", made->launch_template_id},
                       {"capacity", options.capacity}, {"spot", options.spot()},
                       {"on_demand", on_demand},       {"launch_id", ids.launch_id}};
    fmt::print("{}\n", out.dump(2));
    return k_exit_ok;
  }
  fmt::print("Created pool {}: fleet {}, {} instance{} ({} spot, {} on-demand), kept running by EC2 until 'spawn pool "
             "delete {}'\n",
             options.name, made->fleet_id, options.capacity, options.capacity == 1 ? "" : "s", options.spot(), on_demand,
             options.name);
  return k_exit_ok;
}

}  // namespace spawn::cli
