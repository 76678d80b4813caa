#include "spawn/model/history.hpp"

#include <algorithm>
#include <array>
#include <map>
#include <set>
#include <tuple>

namespace spawn::model {
namespace {

constexpr std::array<std::pair<HistoryGrouping, std::string_view>, 4> k_names{{
    {HistoryGrouping::type, "type"},
    {HistoryGrouping::az, "az"},
    {HistoryGrouping::region, "region"},
    {HistoryGrouping::array, "array"},
}};

using Key = std::tuple<std::string, std::string, std::string, std::string>;  // region, zone, type, array

double hours(util::SystemTime::duration d) { return std::chrono::duration<double, std::ratio<3600>>(d).count(); }

bool ending(const LoggedEvent& e) {
  switch (e.type) {
    case EventType::stopped:
    case EventType::end:
    case EventType::shutdown: return true;
    case EventType::interruption: return !e.drill;
    default: return false;
  }
}

struct Instance {
  std::vector<const LoggedEvent*> events;  // oldest first once sorted
};

Key key_of(const EventSource& s, HistoryGrouping by) {
  switch (by) {
    case HistoryGrouping::type: return {s.region, "", s.instance_type, ""};
    case HistoryGrouping::az: return {s.region, s.availability_zone, s.instance_type, ""};
    case HistoryGrouping::region: return {s.region, "", "", ""};
    case HistoryGrouping::array: return {"", "", "", s.job_array_name.empty() ? "-" : s.job_array_name};
  }
  return {};
}

// Keeps value when every instance agrees, "" once two differ.
void agree(std::string& field, bool& first, const std::string& value) {
  if (first) field = value;
  else if (field != value) field.clear();
}

struct Accumulator {
  HistoryGroup group;
  std::vector<double> to_interruption;
  bool first = true;
};

}  // namespace

std::string_view to_string(HistoryGrouping grouping) {
  for (const auto& [g, name] : k_names)
    if (g == grouping) return name;
  return "type";
}

std::optional<HistoryGrouping> parse_history_grouping(std::string_view word) {
  for (const auto& [g, name] : k_names)
    if (name == word) return g;
  return std::nullopt;
}

std::vector<HistoryGroup> aggregate_history(const std::vector<LoggedEvent>& events, const HistoryQuery& q) {
  std::map<std::string, Instance> instances;
  for (const auto& e : events) {
    if (!q.instance_type.empty() && e.source.instance_type != q.instance_type) continue;
    if (!q.job_array_name.empty() && e.source.job_array_name != q.job_array_name) continue;
    instances[e.source.instance_id].events.push_back(&e);
  }

  std::map<Key, Accumulator> groups;
  for (auto& [id, instance] : instances) {
    auto& list = instance.events;
    std::stable_sort(list.begin(), list.end(), [](const LoggedEvent* a, const LoggedEvent* b) { return a->time < b->time; });
    // The latest facts (an array's index arrives late, but type and zone never change).
    const EventSource& source = list.back()->source;

    std::optional<util::SystemTime> launched;
    for (const auto* e : list)
      if (e->type == EventType::launch) {
        const util::SystemTime t = e->launch_time.value_or(e->time);
        if (!launched || t < *launched) launched = t;
      }
    // No launch record read: launched before the window (its record is in an older day), or lost.
    util::SystemTime start = launched ? *launched : q.since.value_or(list.front()->time);
    // Each instance's times are its own clock's: its hours are measured on that clock alone, so
    // instances whose clocks disagree (with each other, or with this machine) are each right. An
    // event "from the future" (a clock ahead of this machine's) happened all the same: it counts.
    util::SystemTime end = ending(*list.back()) ? list.back()->time : std::max(q.now, list.back()->time);
    if (q.since && start < *q.since) start = *q.since;
    const double observed = end > start ? hours(end - start) : 0.0;

    int counted = 0;
    Accumulator scratch;
    HistoryGroup& g = scratch.group;
    std::set<std::pair<std::string, std::string>> notices;  // one real-world notice, however often written
    for (const auto* e : list) {
      if (q.since && e->time < *q.since) continue;
      ++counted;
      switch (e->type) {
        case EventType::interruption:
          if (!notices.insert({e->drill ? "drill" : "interruption", e->notice_time}).second) break;
          if (e->drill) {
            ++g.drills;
          } else {
            ++g.interruptions;
            if (launched && e->time >= *launched) scratch.to_interruption.push_back(hours(e->time - *launched));
          }
          break;
        case EventType::rebalance:
          if (notices.insert({"rebalance", e->notice_time}).second) ++g.rebalances;
          break;
        case EventType::checkpoint:
          if (e->status != "none") ++g.checkpoints;
          if (e->status == "ok") ++g.checkpoints_ok;
          break;
        case EventType::relaunch:
          if (e->status != "none") ++g.relaunches;
          if (e->status == "requested") ++g.relaunches_ok;
          break;
        default: break;
      }
    }
    if (counted == 0 && observed <= 0) continue;  // nothing of it in the window

    Accumulator& acc = groups[key_of(source, q.by)];
    HistoryGroup& out = acc.group;
    agree(out.region, acc.first, source.region);
    agree(out.availability_zone, acc.first, source.availability_zone);
    agree(out.instance_type, acc.first, source.instance_type);
    agree(out.job_array_name, acc.first, source.job_array_name);
    acc.first = false;
    ++out.instances;
    if (!ending(*list.back())) ++out.still_running;
    out.instance_hours += observed;
    out.interruptions += g.interruptions;
    out.drills += g.drills;
    out.rebalances += g.rebalances;
    out.checkpoints += g.checkpoints;
    out.checkpoints_ok += g.checkpoints_ok;
    out.relaunches += g.relaunches;
    out.relaunches_ok += g.relaunches_ok;
    acc.to_interruption.insert(acc.to_interruption.end(), scratch.to_interruption.begin(), scratch.to_interruption.end());
  }

  std::vector<HistoryGroup> out;
  for (auto& [key, acc] : groups) {
    HistoryGroup g = acc.group;
    if (q.by != HistoryGrouping::az) g.availability_zone.clear();
    if (q.by == HistoryGrouping::array && g.job_array_name.empty()) g.job_array_name = std::get<3>(key);
    if (g.instance_hours > 0) g.interruptions_per_100_hours = g.interruptions * 100.0 / g.instance_hours;
    auto& v = acc.to_interruption;
    if (!v.empty()) {
      std::sort(v.begin(), v.end());
      const size_t n = v.size();
      g.median_hours_to_interruption = n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2.0;
    }
    out.push_back(std::move(g));
  }
  std::sort(out.begin(), out.end(), [](const HistoryGroup& a, const HistoryGroup& b) {
    return std::tie(a.region, a.availability_zone, a.instance_type, a.job_array_name) <
           std::tie(b.region, b.availability_zone, b.instance_type, b.job_array_name);
  });
  return out;
}

}  // namespace spawn::model
