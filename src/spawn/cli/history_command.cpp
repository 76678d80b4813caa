#include "spawn/cli/history_command.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <cmath>
#include <nlohmann/json.hpp>

#include "spawn/aws/config/environment.hpp"
#include "spawn/cli/choices.hpp"
#include "spawn/cli/history_reader.hpp"
#include "spawn/cli/output.hpp"
#include "spawn/cli/session.hpp"
#include "spawn/model/history.hpp"

namespace spawn::cli {
namespace {

constexpr const char* k_examples = R"(
Examples:
  spawn history                             # the last 30 days in this region, per instance type
  spawn history --by az --since 7d          # per spot pool (zone and type)
  spawn history --all-regions --output json
  spawn history --job-array-name train --by array

spored writes each event it handles (launch, interruption notice, rebalance recommendation,
checkpoint, relaunch, its own ending, shutdown) to spawn's bucket, the one of 'spawn agent
upload', under spawn/events/. Hours run from each instance's launch to its last event when that
ends it (or to now); drills (spawn interrupt) are counted apart, never as interruptions. Objects
are kept in $XDG_CACHE_HOME/spawn/events once read.)";

double rounded(double v) { return std::round(v * 100.0) / 100.0; }

nlohmann::json number_or_null(const std::optional<double>& v) {
  return v ? nlohmann::json(rounded(*v)) : nlohmann::json(nullptr);
}

nlohmann::json text_or_null(const std::string& v) { return v.empty() ? nlohmann::json(nullptr) : nlohmann::json(v); }

class HistoryCommand final : public Command {
 public:
  explicit HistoryCommand(CLI::App& parent)
      : Command(parent, "history", "Show how often spot instances were interrupted, from spored's event log") {
    m_app->footer(k_examples);
    m_app->add_option("--since", m_since, "how far back, e.g. 7d or 12h (default: 30d)");
    m_app->add_flag("--all-regions", m_all_regions, "every region the log has (default: --region's)");
    m_app->add_option("--instance-type", m_instance_type, "only this instance type");
    m_app->add_option("--job-array-name", m_job_array, "only this job array");
    offer_choices(m_app->add_option("--by", m_by, "one line per instance type (default), spot pool, region or array"),
                  {"type", "az", "region", "array"});
  }

  int run() override {
    auto since = util::parse_duration(m_since);
    if (!since) return usage("--since: expected a duration such as 30d or 12h, got '" + m_since + "'");
    if (m_all_regions && m_global.region) return usage("--region and --all-regions: give one of them");
    auto by = model::parse_history_grouping(m_by);
    if (!by) return usage("--by: expected type, az, region or array, got '" + m_by + "'");

    const auto env = aws::config::process_environment();
    auto known = event_log_bucket(env);
    if (!known) {
      print_failure(known.error());
      return k_exit_failure;
    }
    if (!*known) {
      print_failure("spawn knows no bucket, so there is no event log to read");
      fmt::print(stderr, "spawn: hint: run 'spawn agent upload --bucket BUCKET' once: spored then logs the events of "
                         "every later launch in that bucket\n");
      return k_exit_failure;
    }
    const AgentLocation* bucket = &**known;

    auto session = Session::open(m_global);
    if (!session) return report_open_failure(session.error());
    const auto now = std::chrono::system_clock::now();
    const HistoryRequest request =
        history_request(*bucket, m_all_regions ? std::vector<std::string>{} : std::vector<std::string>{session->region()},
                        now - *since, now, env);
    auto read = read_history(session->s3(bucket->bucket, bucket->region), request);
    if (!read) {
      fmt::print(stderr, "spawn: error: cannot read the event log s3://{}/{}: {}\n", bucket->bucket,
                 model::k_event_log_prefix, read.error().describe());
      fmt::print(stderr, "spawn: hint: spawn's bucket is the one of 'spawn agent upload' ({} in {}); check that it "
                         "exists and that you may s3:ListBucket and s3:GetObject there\n",
                 bucket->bucket, bucket->region);
      return k_exit_failure;
    }

    model::HistoryQuery query;
    query.by = *by;
    query.now = now;
    query.since = request.from;
    query.instance_type = m_instance_type;
    query.job_array_name = m_job_array;
    const auto groups = model::aggregate_history(read->events, query);
    if (read->unreadable > 0)
      fmt::print(stderr, "spawn: warning: {} unreadable event{} skipped\n", read->unreadable,
                 read->unreadable == 1 ? "" : "s");
    if (m_global.output == OutputFormat::json) print_json(groups, *by);
    else print_table(groups, *by, *read, bucket->bucket);
    return k_exit_ok;
  }

 private:
  int usage(const std::string& message) {
    print_usage_error(message, "history");
    return k_exit_usage;
  }

  static void print_json(const std::vector<model::HistoryGroup>& groups, model::HistoryGrouping by) {
    nlohmann::ordered_json out = nlohmann::ordered_json::array();
    for (const auto& g : groups) {
      nlohmann::ordered_json j;
      j["region"] = text_or_null(g.region);
      if (by == model::HistoryGrouping::az) j["availability_zone"] = text_or_null(g.availability_zone);
      j["instance_type"] = text_or_null(g.instance_type);
      if (by == model::HistoryGrouping::array) j["job_array_name"] = g.job_array_name;
      j["instances"] = g.instances;
      j["interruptions"] = g.interruptions;
      j["drills"] = g.drills;
      j["rebalances"] = g.rebalances;
      j["instance_hours"] = rounded(g.instance_hours);
      j["interruptions_per_100_hours"] = number_or_null(g.interruptions_per_100_hours);
      j["median_hours_to_interruption"] = number_or_null(g.median_hours_to_interruption);
      j["checkpoints"] = g.checkpoints;
      j["checkpoints_ok"] = g.checkpoints_ok;
      j["relaunches"] = g.relaunches;
      j["relaunches_ok"] = g.relaunches_ok;
      j["still_running"] = g.still_running;
      out.push_back(std::move(j));
    }
    fmt::print("{}\n", out.dump(2));
  }

  void print_table(const std::vector<model::HistoryGroup>& groups, model::HistoryGrouping by, const HistoryRead& read,
                   const std::string& bucket) const {
    const std::string where = read.regions.empty() ? std::string("no region") : fmt::format("{}", fmt::join(read.regions, ", "));
    if (groups.empty()) {
      fmt::print("No events in s3://{}/{} for {} in the last {}{}.\n", bucket, model::k_event_log_prefix, where,
                 m_since, filters());
      fmt::print("spored logs the instances launched since 'spawn agent upload' named this bucket.\n");
      return;
    }
    std::vector<std::string> header;
    switch (by) {
      case model::HistoryGrouping::type: header = {"REGION", "TYPE"}; break;
      case model::HistoryGrouping::az: header = {"REGION", "ZONE", "TYPE"}; break;
      case model::HistoryGrouping::region: header = {"REGION", "TYPE"}; break;
      case model::HistoryGrouping::array: header = {"ARRAY", "REGION", "TYPE"}; break;
    }
    for (const char* h : {"INSTANCES", "HOURS", "INTERRUPTIONS", "PER 100H", "MEDIAN TO INT.", "REBALANCES",
                          "CHECKPOINTS OK", "RELAUNCHES OK", "DRILLS"})
      header.emplace_back(h);
    auto or_dash = [](const std::string& s) { return s.empty() ? std::string("-") : s; };
    std::vector<std::vector<std::string>> rows;
    for (const auto& g : groups) {
      std::vector<std::string> row;
      if (by == model::HistoryGrouping::array) row.push_back(g.job_array_name);
      row.push_back(or_dash(g.region));
      if (by == model::HistoryGrouping::az) row.push_back(or_dash(g.availability_zone));
      row.push_back(by == model::HistoryGrouping::region && g.instance_type.empty() ? "(several)" : or_dash(g.instance_type));
      row.push_back(std::to_string(g.instances));
      row.push_back(fmt::format("{:.1f}", g.instance_hours));
      row.push_back(std::to_string(g.interruptions));
      row.push_back(g.interruptions_per_100_hours ? fmt::format("{:.2f}", *g.interruptions_per_100_hours) : "-");
      row.push_back(g.median_hours_to_interruption ? fmt::format("{:.1f}h", *g.median_hours_to_interruption) : "-");
      row.push_back(std::to_string(g.rebalances));
      row.push_back(g.checkpoints ? fmt::format("{}/{}", g.checkpoints_ok, g.checkpoints) : "-");
      row.push_back(g.relaunches ? fmt::format("{}/{}", g.relaunches_ok, g.relaunches) : "-");
      row.push_back(std::to_string(g.drills));
      rows.push_back(std::move(row));
    }
    fmt::print("Spot history of {} in the last {}{} (s3://{}/{}):\n", where, m_since, filters(), bucket,
               model::k_event_log_prefix);
    fmt::print("{}", render_table(header, rows));
    int running = 0;
    for (const auto& g : groups) running += g.still_running;
    if (running > 0)
      fmt::print("{} instance{} without an ending in the log counted until now.\n", running, running == 1 ? "" : "s");
  }

  std::string filters() const {
    std::string out;
    if (!m_instance_type.empty()) out += ", type " + m_instance_type;
    if (!m_job_array.empty()) out += ", array " + m_job_array;
    return out;
  }

  std::string m_since = "30d";
  bool m_all_regions = false;
  std::string m_instance_type, m_job_array;
  std::string m_by = "type";
};

}  // namespace

std::unique_ptr<Command> make_history_command(CLI::App& parent) { return std::make_unique<HistoryCommand>(parent); }

}  // namespace spawn::cli
