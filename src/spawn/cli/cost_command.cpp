#include "spawn/cli/cost_command.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <tuple>

#include "spawn/aws/ec2/spot_prices.hpp"
#include "spawn/cli/instance_selection.hpp"
#include "spawn/cli/output.hpp"
#include "spawn/cli/prices.hpp"
#include "spawn/cli/session.hpp"
#include "spawn/launcher/ttl_pause.hpp"
#include "spawn/model/accrued_cost.hpp"
#include "spawn/model/tags.hpp"

namespace spawn::cli {
namespace {
namespace tag = model::tag;
using aws::ec2::Instance;
using model::Usd;

constexpr const char* k_examples = R"(
Examples:
  spawn cost                                # every instance EC2 still lists, and the total
  spawn cost --job-array-name train
  spawn cost --since 24h --output json

Compute only: EBS volumes, data transfer and other charges are not counted. Spot time is priced
by its pool's price history (DescribeSpotPriceHistory), on-demand time by the Price List API's
price; ~ marks an approximate figure (a fallback-table price, a time before the price history,
or an end EC2 no longer says). EC2's LaunchTime is the last start: time before a stop and start
is not counted. EC2 lists terminated instances for about an hour.)";

struct Row {
  const Instance* instance = nullptr;
  std::string group;               // the array's name, the instance's Name, or its id
  std::string group_id;            // job array id, or "" for a single instance
  std::chrono::seconds ran{0};
  Usd cost;
  std::optional<Usd> hourly_now;   // nullopt: unknown; zero when not running
  bool approximate = false;
};

std::string money(Usd amount, bool approximate) { return (approximate ? "~$" : "$") + amount.cents_text(); }

class CostCommand final : public Command {
 public:
  explicit CostCommand(CLI::App& parent) : Command(parent, "cost", "Show what instances have cost so far and cost per hour") {
    m_app->footer(k_examples);
    m_app->add_option("instance_ids", m_ids, "only these instances");
    m_app->add_option("--name", m_name, "only the instance with this Name tag");
    m_app->add_option("--job-array-name", m_job_array, "only this job array");
    m_app->add_option("--since", m_since, "only the time since then, e.g. 24h or 7d (default: since each launch)");
  }

  int run() override {
    if ((m_ids.empty() ? 0 : 1) + (m_name ? 1 : 0) + (m_job_array ? 1 : 0) > 1)
      return usage("give instance ids, --name or --job-array-name (at most one of them)");
    for (const auto& id : m_ids)
      if (!valid_instance_id(id)) return usage("expected instance ids like i-0abc1234def567890, got '" + id + "'");
    std::optional<std::chrono::seconds> since;
    if (m_since) {
      since = util::parse_duration(*m_since);
      if (!since) return usage("--since: expected a duration such as 24h or 7d, got '" + *m_since + "'");
    }
    auto session = Session::open(m_global);
    if (!session) return report_open_failure(session.error());
    auto ec2 = session->ec2();
    std::vector<aws::ec2::Filter> filters{{"tag:" + std::string(tag::k_managed), {"true"}}};
    if (m_name) filters.push_back(name_filter(*m_name));
    if (m_job_array) filters.push_back({"tag:" + std::string(tag::k_job_array_name), {*m_job_array}});
    auto found = ec2.describe_instances(filters, m_ids);
    if (!found) {
      print_error(found.error());
      return k_exit_failure;
    }
    if (m_name) keep_named(*found, *m_name);
    if (found->empty() && (m_name || m_job_array)) {
      print_failure(fmt::format("no spawn instance matches {}", m_name ? "--name " + *m_name : "--job-array-name " + *m_job_array));
      return k_exit_failure;
    }
    const auto now = std::chrono::system_clock::now();
    const auto from = since ? std::optional(now - *since) : std::nullopt;
    auto rows = price_rows(*session, ec2, *found, now, from);
    if (m_global.output == OutputFormat::json) print_json(rows);
    else print_table(rows);
    return k_exit_ok;
  }

 private:
  int usage(const std::string& message) {
    print_usage_error(message, "cost");
    return k_exit_usage;
  }

  static std::vector<Row> price_rows(const Session& session, const aws::ec2::Client& ec2, const std::vector<Instance>& found,
                                     util::SystemTime now, std::optional<util::SystemTime> from) {
    // On-demand prices of the on-demand types, one query.
    std::set<std::string> od_types, spot_types;
    for (const auto& i : found) (i.spot() ? spot_types : od_types).insert(i.instance_type);
    model::PriceBook book;
    if (!od_types.empty()) {
      auto on_demand = on_demand_prices(session);
      book = find_prices(session, {{session.region(), {}, {od_types.begin(), od_types.end()}}}, *on_demand).book;
    }
    // Spot: each pool's history from its earliest start, one request per pool.
    std::map<std::pair<std::string, std::string>, util::SystemTime> earliest;
    std::vector<Row> rows;
    for (const auto& i : found) {
      Row r;
      r.instance = &i;
      auto it = i.tags.find(tag::k_job_array_name);
      r.group_id = i.tags.contains(tag::k_job_array_id) ? i.tags.at(tag::k_job_array_id) : "";
      r.group = it != i.tags.end() ? it->second : !i.name().empty() ? i.name() : i.instance_id;
      rows.push_back(r);
    }
    // By array (or name), then index.
    auto index_of = [](const Instance& i) { return i.job_array_index().value_or(-1); };
    std::stable_sort(rows.begin(), rows.end(), [&](const Row& a, const Row& b) {
      return std::tuple(a.group, a.group_id, index_of(*a.instance)) < std::tuple(b.group, b.group_id, index_of(*b.instance));
    });
    auto interval = [&](const Instance& i, bool& approximate) -> std::pair<util::SystemTime, util::SystemTime> {
      auto start = util::parse_rfc3339(i.launch_time).value_or(now);
      util::SystemTime end = now;
      if (i.state != "running" && i.state != "pending") {
        auto stopped = launcher::stop_time(i.state_transition_reason);
        if (!stopped) approximate = true;
        end = stopped.value_or(start);
      }
      if (from && *from > start) start = *from;
      return {start, end};
    };
    for (auto& r : rows) {
      if (!r.instance->spot()) continue;
      bool ignored = false;
      auto [start, end] = interval(*r.instance, ignored);
      auto key = std::make_pair(r.instance->instance_type, r.instance->availability_zone);
      auto [it, inserted] = earliest.emplace(key, start);
      if (!inserted && start < it->second) it->second = start;
    }
    std::map<std::pair<std::string, std::string>, std::vector<model::PricePoint>> histories;
    for (const auto& [pool, start] : earliest) {
      auto history = ec2.describe_spot_price_history({pool.first}, util::format_rfc3339(start), pool.second);
      auto& points = histories[pool];
      if (!history) continue;  // unknown: priced at nothing, approximate
      for (const auto& p : *history) {
        auto price = Usd::parse(p.price);
        auto when = util::parse_rfc3339(p.timestamp);
        if (price && when && p.availability_zone == pool.second) points.push_back({*when, *price});
      }
    }
    for (auto& r : rows) {
      const Instance& i = *r.instance;
      auto [start, end] = interval(i, r.approximate);
      r.ran = std::chrono::duration_cast<std::chrono::seconds>(std::max(end - start, util::SystemTime::duration::zero()));
      std::vector<model::PricePoint> points;
      if (i.spot()) {
        points = histories[{i.instance_type, i.availability_zone}];
      } else if (auto q = book.find({session.region(), i.instance_type}); q != book.end() && q->second.on_demand) {
        points.push_back({start, q->second.on_demand->hourly});
        r.approximate = r.approximate || q->second.on_demand->approximate();
      }
      auto accrued = model::accrue(points, start, end);
      r.cost = accrued.amount;
      r.approximate = r.approximate || (accrued.approximate && end > start);
      const bool billed = i.state == "running" || i.state == "pending";
      if (!billed) {
        r.hourly_now = Usd();
      } else if (!points.empty()) {
        auto latest = std::max_element(points.begin(), points.end(),
                                       [](const auto& a, const auto& b) { return a.from < b.from; });
        r.hourly_now = latest->hourly;
      }
    }
    return rows;
  }

  static std::string hours(std::chrono::seconds s) { return fmt::format("{:.2f}", static_cast<double>(s.count()) / 3600.0); }

  struct Total {
    Usd cost, hourly;
    bool approximate = false, hourly_unknown = false;
    void add(const Row& r) {
      cost += r.cost;
      approximate = approximate || r.approximate;
      if (r.hourly_now) hourly += *r.hourly_now;
      else hourly_unknown = true;
    }
  };

  static std::string total_text(const Total& t) {
    return fmt::format("{} so far, {} now", money(t.cost, t.approximate),
                       t.hourly_unknown ? "unknown/hr" : hourly_text(t.hourly) + "/hr");
  }

  static void print_table(const std::vector<Row>& rows) {
    if (rows.empty()) {
      fmt::print("EC2 lists no instance spawn launched here.\n");
      return;
    }
    std::vector<std::vector<std::string>> table;
    std::map<std::string, Total> groups;
    std::vector<std::string> order;
    Total all;
    for (const auto& r : rows) {
      const Instance& i = *r.instance;
      std::string where = r.group;
      if (auto idx = i.job_array_index()) where += "/" + std::to_string(*idx);
      table.push_back({i.instance_id, where, i.instance_type, i.spot() ? "spot" : "on-demand", i.state, hours(r.ran),
                       r.hourly_now ? hourly_text(*r.hourly_now) : "unknown", money(r.cost, r.approximate)});
      if (!r.group_id.empty()) {
        if (!groups.contains(r.group_id)) order.push_back(r.group_id);
        groups[r.group_id].add(r);
      }
      all.add(r);
    }
    fmt::print("{}", render_table({"INSTANCE", "NAME", "TYPE", "LIFECYCLE", "STATE", "HOURS", "$/HR NOW", "COST"}, table));
    for (const auto& id : order) {
      const auto named = std::find_if(rows.begin(), rows.end(), [&](const Row& r) { return r.group_id == id; });
      fmt::print("Array {}: {}\n", named->group, total_text(groups[id]));
    }
    fmt::print("Total: {} (compute only: EBS, data transfer and other charges are not counted)\n", total_text(all));
  }

  static void print_json(const std::vector<Row>& rows) {
    nlohmann::json instances = nlohmann::json::array(), arrays = nlohmann::json::array();
    std::map<std::string, Total> groups;
    std::vector<std::pair<std::string, std::string>> order;
    Total all;
    for (const auto& r : rows) {
      const Instance& i = *r.instance;
      instances.push_back({{"instance_id", i.instance_id},
                           {"job_array_id", r.group_id.empty() ? nlohmann::json(nullptr) : nlohmann::json(r.group_id)},
                           {"name", r.group},
                           {"instance_type", i.instance_type},
                           {"lifecycle", i.spot() ? "spot" : "on-demand"},
                           {"state", i.state},
                           {"hours", std::round(static_cast<double>(r.ran.count()) / 36.0) / 100.0},
                           {"hourly_price", usd_json(r.hourly_now)},
                           {"cost", r.cost.cents_text()},
                           {"cost_exact", r.cost.text()},
                           {"approximate", r.approximate}});
      if (!r.group_id.empty()) {
        if (!groups.contains(r.group_id)) order.push_back({r.group_id, r.group});
        groups[r.group_id].add(r);
      }
      all.add(r);
    }
    auto total_json = [](const Total& t) {
      return nlohmann::json{{"cost", t.cost.cents_text()},
                            {"hourly_price", t.hourly_unknown ? nlohmann::json(nullptr) : usd_json(t.hourly)},
                            {"approximate", t.approximate}};
    };
    for (const auto& [id, name] : order) {
      auto j = total_json(groups[id]);
      j["job_array_id"] = id;
      j["job_array_name"] = name;
      arrays.push_back(j);
    }
    fmt::print("{}\n", nlohmann::json{{"instances", instances}, {"arrays", arrays}, {"total", total_json(all)}}.dump(2));
  }

  std::vector<std::string> m_ids;
  std::optional<std::string> m_name, m_job_array, m_since;
};

}  // namespace

std::unique_ptr<Command> make_cost_command(CLI::App& parent) { return std::make_unique<CostCommand>(parent); }

}  // namespace spawn::cli
