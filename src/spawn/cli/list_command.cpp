#include "spawn/cli/list_command.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstdio>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <tuple>

#include "spawn/aws/ec2/regions.hpp"
#include "spawn/cli/choices.hpp"
#include "spawn/cli/output.hpp"
#include "spawn/cli/prices.hpp"
#include "spawn/cli/session.hpp"
#include "spawn/cli/terminal.hpp"
#include "spawn/model/launch_options.hpp"
#include "spawn/model/tags.hpp"
#include "spawn/util/parallel.hpp"
#include "spawn/util/time.hpp"

namespace spawn::cli {
namespace {
namespace tag = model::tag;
using aws::ec2::Instance;

constexpr const char* k_examples = R"(
Examples:
  spawn list
  spawn list --state running --job-array-name render
  spawn list --tag team=ml --output json | jq '.[].instance_id'
  spawn list --all              # include terminated instances
  spawn list --all-regions      # every region enabled for the account, asked at once

LIFECYCLE is EC2's own (spot or on-demand); on a UTF-8 terminal spot instances carry a 💰 after
their state (not with --no-emoji, NO_COLOR or another locale). An on-demand instance launched in
place of missing spot capacity says so. $/HR is what a pending or running instance costs now:
its AZ's spot price, or the on-demand price (~ marks an approximate one from spawn's own table).
Job arrays and pools (spawn pool) are listed together under a line with their spot/on-demand
split and hourly total.)";

const std::vector<std::string> k_states{"pending", "running", "shutting-down", "terminated", "stopping", "stopped"};

std::string tag_or(const Instance& i, const char* key, std::string fallback) {
  auto it = i.tags.find(key);
  return it == i.tags.end() ? fallback : it->second;
}

int array_index(const Instance& i) { return i.job_array_index().value_or(0); }

// Pending and running instances cost compute; stopped and terminated ones do not.
bool billed(const Instance& i) { return i.state == "pending" || i.state == "running"; }

// Launched on demand in place of missing spot capacity (tag spawn:spot-fallback).
bool fell_back(const Instance& i) {
  auto it = i.tags.find(tag::k_spot_fallback);
  return !i.spot() && it != i.tags.end() && it->second != "false";
}

std::string partition_of(const std::string& region) {
  if (region.rfind("cn-", 0) == 0) return "aws-cn";
  if (region.rfind("us-gov-", 0) == 0) return "aws-us-gov";
  if (region.rfind("us-iso", 0) == 0) return "aws-iso";
  return "aws";
}

// The group an instance is listed in: its job array ("ja-..."), or its pool ("pool:NAME"); "" for none.
std::string group_of(const Instance& i) {
  std::string id = tag_or(i, tag::k_job_array_id, "");
  if (!id.empty()) return id;
  auto pool = i.tags.find(tag::k_pool);
  return pool == i.tags.end() ? "" : "pool:" + pool->second;
}

struct Listed {
  Instance instance;
  std::string region;
  // The sort keys, read from the tags once (thousands of instances are compared many times).
  std::string group;  // group_of
  int index = 0;
};

Listed listed(Instance&& i, const std::string& region) {
  Listed l{std::move(i), region};
  l.group = group_of(l.instance);
  l.index = array_index(l.instance);
  return l;
}

class ListCommand final : public Command {
 public:
  explicit ListCommand(CLI::App& parent) : Command(parent, "list", "List the instances spawn launched") {
    m_app->footer(k_examples);
    offer_choices(m_app->add_option("--state", m_states, "only instances in these states (comma-separated)")
                      ->delimiter(',')
                      ->check(CLI::IsMember(k_states).description("")),
                  k_states);
    m_app->add_option("--job-array-name", m_job_array_name, "only members of this job array");
    m_app->add_option("--tag", m_tags, "only instances with tag KEY=VALUE (repeatable)");
    m_app->add_flag("--all", m_all, "include terminated instances");
    m_app->add_flag("--all-regions", m_all_regions, "every region enabled for the account, asked concurrently")
        ->excludes(m_app->get_option("--region"));
    m_app->add_flag("--no-emoji", m_no_emoji, "plain text: no 💰 after the state of spot instances");
  }

  int run() override {
    std::vector<aws::ec2::Filter> filters{{"tag:" + std::string(tag::k_managed), {"true"}}};
    for (const auto& t : m_tags) {
      auto eq = t.find('=');
      if (eq == std::string::npos || eq == 0) {
        print_usage_error("--tag: expected KEY=VALUE, got '" + t + "'", "list");
        return k_exit_usage;
      }
      filters.push_back({"tag:" + t.substr(0, eq), {t.substr(eq + 1)}});
    }
    if (m_job_array_name) filters.push_back({"tag:" + std::string(tag::k_job_array_name), {*m_job_array_name}});
    if (!m_states.empty()) {
      filters.push_back({"instance-state-name", m_states});
    } else if (!m_all) {
      std::vector<std::string> live;
      for (const auto& s : k_states)
        if (s != "terminated") live.push_back(s);
      filters.push_back({"instance-state-name", live});
    }

    auto session = Session::open(m_global);
    if (!session) return report_open_failure(session.error());
    std::vector<std::string> regions{session->region()};
    if (m_all_regions) {
      auto listed = aws::ec2::describe_regions(session->ec2(), aws::ec2::AllRegions::no);
      if (!listed) {
        print_error(listed.error());
        return k_exit_failure;
      }
      regions.clear();
      for (const auto& r : *listed)
        if (r.enabled() && partition_of(r.name) == partition_of(session->region())) regions.push_back(r.name);
      std::sort(regions.begin(), regions.end());
    }

    // Every region at once; each keeps its own answer.
    std::vector<aws::Result<std::vector<Instance>>> found(regions.size(), std::vector<Instance>{});
    util::parallel_for(regions.size(), 8, [&](size_t i) { found[i] = session->ec2(regions[i]).describe_instances(filters); });
    std::vector<Listed> instances;
    bool failed = false;
    for (size_t i = 0; i < regions.size(); ++i) {
      if (!found[i]) {
        if (!m_all_regions) {
          print_error(found[i].error());
          return k_exit_failure;
        }
        print_failure(fmt::format("{}: {}", regions[i], found[i].error().describe()));
        failed = true;
        continue;
      }
      for (auto& inst : *found[i]) instances.push_back(listed(std::move(inst), regions[i]));
    }
    std::stable_sort(instances.begin(), instances.end(), [](const Listed& a, const Listed& b) {
      auto ka = std::tie(a.region, a.group, a.index);
      auto kb = std::tie(b.region, b.group, b.index);
      if (ka != kb) return ka < kb;
      return a.instance.launch_time < b.instance.launch_time;
    });

    auto prices = price(*session, instances);
    if (m_global.output == OutputFormat::json) {
      print_json(instances, prices.book);
      bool approximate = false;
      for (const auto& l : instances) {
        const Hourly h = hourly(l, prices.book);
        approximate = approximate || (h.price && h.approximate);
      }
      for (const auto& note : price_notes(prices, approximate)) fmt::print(stderr, "spawn: warning: {}\n", note);
    } else
      print_table(instances, prices);
    for (const auto& [region, error] : prices.spot_errors)
      fmt::print(stderr, "spawn: warning: spot prices in {} unknown: {}\n", region, error.describe());
    return failed ? k_exit_failure : k_exit_ok;
  }

 private:
  // Prices of what is billed now: spot prices for the spot instances' types, on-demand prices
  // for the on-demand ones; one spot history request per region, nothing when nothing runs.
  static aws::pricing::PriceReport price(const Session& session, const std::vector<Listed>& instances) {
    std::map<std::string, std::pair<std::set<std::string>, std::set<std::string>>> wanted;
    for (const auto& l : instances) {
      if (!billed(l.instance)) continue;
      auto& [spot, on_demand] = wanted[l.region];
      (l.instance.spot() ? spot : on_demand).insert(l.instance.instance_type);
    }
    if (wanted.empty()) return {};
    std::vector<aws::pricing::RegionQuery> queries;
    for (const auto& [region, types] : wanted)
      queries.push_back({region, {types.first.begin(), types.first.end()}, {types.second.begin(), types.second.end()}});
    auto on_demand = on_demand_prices(session);
    return find_prices(session, queries, *on_demand);
  }

  // What one instance costs per hour now: its AZ's spot price or the on-demand price, and
  // whether that figure is approximate (fallback table). nullopt when not billed or unknown.
  struct Hourly {
    std::optional<model::Usd> price;
    bool approximate = false;
  };
  static Hourly hourly(const Listed& l, const model::PriceBook& book) {
    if (!billed(l.instance)) return {};
    auto it = book.find({l.region, l.instance.instance_type});
    if (it == book.end()) return {};
    if (l.instance.spot())
      return {model::hourly_price(it->second, model::Market::spot, l.instance.availability_zone), false};
    const auto& od = it->second.on_demand;
    return {od ? std::optional(od->hourly) : std::nullopt, od && od->approximate()};
  }

  // One element at a time, as out.dump(2) of the whole array would print it: thousands of
  // instances never become one JSON tree in memory.
  static void print_json(const std::vector<Listed>& instances, const model::PriceBook& book) {
    if (instances.empty()) {
      fmt::print("[]\n");
      return;
    }
    std::string text = "[\n";
    for (size_t n = 0; n < instances.size(); ++n) {
      const Listed& l = instances[n];
      const Instance& i = l.instance;
      auto opt = [&](const char* key) {
        auto it = i.tags.find(key);
        return it == i.tags.end() ? nlohmann::json() : nlohmann::json(it->second);
      };
      nlohmann::json index;
      if (auto k = i.job_array_index()) index = *k;
      const std::string name = i.name();
      const Hourly h = hourly(l, book);
      const nlohmann::json element = {{"instance_id", i.instance_id},
                     {"name", name.empty() ? nlohmann::json() : nlohmann::json(name)},
                     {"instance_type", i.instance_type},
                     {"state", i.state},
                     {"lifecycle", i.lifecycle},
                     {"spot", i.spot()},
                     {"availability_zone", i.availability_zone},
                     {"region", l.region},
                     {"launch_time", i.launch_time},
                     {"job_array_id", opt(tag::k_job_array_id)},
                     {"job_array_name", opt(tag::k_job_array_name)},
                     {"job_array_index", index},
                     {"pool", opt(tag::k_pool)},
                     {"tags", i.tags},
                     {"hourly_price", usd_json(h.price)},
                     {"hourly_price_approximate", h.price && h.approximate},
                     {"spot_fallback", fell_back(i)},
                     {"public_ip", address_json(i.public_ip)},
                     {"private_ip", address_json(i.private_ip)}};
      // Indented one level deeper, as an array element.
      const std::string one = element.dump(2);
      text += "  ";
      for (char c : one) {
        text += c;
        if (c == '\n') text += "  ";
      }
      text += n + 1 < instances.size() ? ",\n" : "\n";
      if (text.size() > (1u << 20)) {
        std::fwrite(text.data(), 1, text.size(), stdout);
        text.clear();
      }
    }
    text += "]\n";
    std::fwrite(text.data(), 1, text.size(), stdout);
  }

  void print_table(const std::vector<Listed>& instances, const aws::pricing::PriceReport& prices) const {
    if (instances.empty()) {
      fmt::print("No instances. Launch one with: spawn launch --instance-type t3.micro\n");
      return;
    }
    const bool emoji = emoji_for_stdout(m_no_emoji) == Emoji::yes;
    const auto now = std::chrono::system_clock::now();
    std::vector<std::vector<std::string>> rows;
    std::map<size_t, std::string> titles;  // row index -> the job array line before it
    bool approximate = false;
    for (size_t r = 0; r < instances.size(); ++r) {
      const Instance& i = instances[r].instance;
      std::string age = "-";
      if (auto t = util::parse_rfc3339(i.launch_time))
        age = util::format_age(std::chrono::duration_cast<std::chrono::seconds>(now - *t));
      std::string array = "-";
      if (auto it = i.tags.find(tag::k_job_array_name); it != i.tags.end())
        array = it->second + "/" + (i.job_array_index() ? std::to_string(*i.job_array_index()) : "?");
      else if (auto pool = i.tags.find(tag::k_pool); pool != i.tags.end())
        array = "pool " + pool->second;
      std::string state = i.state;
      if (i.spot() && emoji) state += " 💰";
      std::string lifecycle = i.lifecycle;
      if (fell_back(i)) {
        const std::string why = tag_or(i, tag::k_spot_fallback, "true");
        lifecycle += why == "true" ? " (fallback: no spot capacity)" : " (fallback: " + why + ")";
      }
      std::string price = "-";
      if (billed(i)) {
        const Hourly h = hourly(instances[r], prices.book);
        price = hourly_text(h.price, h.approximate);
        approximate = approximate || (h.price && h.approximate);
      }
      rows.push_back({i.instance_id, i.name().empty() ? "-" : i.name(), i.instance_type, state, lifecycle, i.availability_zone,
                      price, age, array, billed(i) ? address_cell(i) : "-"});

      const std::string& id = instances[r].group;
      const bool first_of_array = !id.empty() && (r == 0 || instances[r - 1].group != id ||
                                                  instances[r - 1].region != instances[r].region);
      if (first_of_array) titles[r] = array_title(instances, r, prices.book);
    }
    const std::string table = render_table(
        {"ID", "NAME", "TYPE", "STATE", "LIFECYCLE", "AZ", "$/HR", "AGE", "ARRAY/INDEX", "ADDRESS"}, rows);
    size_t line = 0, start = 0;
    while (start < table.size()) {
      const size_t end = table.find('\n', start);
      if (line > 0)
        if (auto it = titles.find(line - 1); it != titles.end()) fmt::print("{}\n", it->second);
      fmt::print("{}\n", table.substr(start, end - start));
      start = end + 1;
      ++line;
    }
    for (const auto& note : price_notes(prices, approximate)) fmt::print("{}\n", note);
  }

  // "job array sim (ja-...): 8 instances, 6 spot + 2 on-demand, $0.3828/hr", or "pool ci: ..."
  static std::string array_title(const std::vector<Listed>& instances, size_t first, const model::PriceBook& book) {
    const Instance& head = instances[first].instance;
    const std::string& id = instances[first].group;
    size_t count = 0, spot = 0, running = 0;
    std::optional<model::Usd> total = model::Usd();
    bool approximate = false;
    for (size_t r = first; r < instances.size(); ++r) {
      const auto& l = instances[r];
      if (l.group != id || l.region != instances[first].region) break;
      ++count;
      if (l.instance.spot()) ++spot;
      if (!billed(l.instance)) continue;
      ++running;
      const Hourly h = hourly(l, book);
      approximate = approximate || h.approximate;
      if (h.price && total)
        *total += *h.price;
      else
        total.reset();  // one unknown price makes the total unknown, never a partial sum
    }
    const std::string what = id.starts_with("pool:")
                                 ? "pool " + id.substr(5)
                                 : fmt::format("job array {} ({})", tag_or(head, tag::k_job_array_name, "-"), id);
    std::string line = fmt::format("{}: {} instance{}, {} spot + {} on-demand", what, count, count == 1 ? "" : "s", spot,
                                   count - spot);
    if (running == 0) return line + ", none running";
    if (running != count) line += fmt::format(", {} running", running);
    return line + fmt::format(", {}/hr in total", hourly_text(total, approximate));
  }

  std::vector<std::string> m_states;
  std::optional<std::string> m_job_array_name;
  std::vector<std::string> m_tags;
  bool m_all = false;
  bool m_all_regions = false;
  bool m_no_emoji = false;
};

}  // namespace

std::unique_ptr<Command> make_list_command(CLI::App& parent) { return std::make_unique<ListCommand>(parent); }

}  // namespace spawn::cli
