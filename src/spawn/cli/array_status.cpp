#include "spawn/cli/array_status.hpp"

#include <algorithm>
#include <charconv>
#include <map>
#include <tuple>

#include "spawn/model/drill.hpp"
#include "spawn/model/tags.hpp"
#include "spawn/util/time.hpp"

namespace spawn::cli {
namespace {
namespace tag = model::tag;
using aws::ec2::Instance;

std::string tag_or(const Instance& i, const char* key, std::string fallback = "") {
  auto it = i.tags.find(key);
  return it == i.tags.end() ? fallback : it->second;
}

// A notice that came with a `spawn interrupt` drill (model/drill.hpp).
bool drilled(const Instance& i) {
  auto drill = i.tags.find(tag::k_drill);
  if (drill == i.tags.end()) return false;
  auto notice = util::parse_rfc3339(tag_or(i, tag::k_interruption_notice));
  return notice ? model::is_drill(drill->second, *notice) : true;
}

std::optional<int> int_tag(const Instance& i, const char* key) {
  auto it = i.tags.find(key);
  if (it == i.tags.end()) return std::nullopt;
  int n = 0;
  auto [end, ec] = std::from_chars(it->second.data(), it->second.data() + it->second.size(), n);
  if (ec != std::errc() || end != it->second.data() + it->second.size()) return std::nullopt;
  return n;
}

bool live(const Instance& i) { return i.state != "terminated" && i.state != "shutting-down"; }

// Older first: generation, then launch time (ISO 8601 sorts as text), then id.
bool older(const Instance* a, const Instance* b) {
  auto ga = int_tag(*a, tag::k_generation).value_or(0), gb = int_tag(*b, tag::k_generation).value_or(0);
  if (ga != gb) return ga < gb;
  if (a->launch_time != b->launch_time) return a->launch_time < b->launch_time;
  return a->instance_id < b->instance_id;
}

MemberStatus member_of(int index, std::vector<const Instance*> history) {
  MemberStatus m;
  m.index = index;
  std::sort(history.begin(), history.end(), older);
  const Instance* current = nullptr;
  for (const Instance* i : history)
    if (live(*i)) current = i;  // the newest live one
  if (current == nullptr && !history.empty()) current = history.back();
  if (current == nullptr) return m;
  m.current = *current;
  m.generation = int_tag(*current, tag::k_generation).value_or(0);
  m.replaces = tag_or(*current, tag::k_replaces);
  m.completion_status = int_tag(*current, tag::k_completion_status);
  m.idle_action = tag_or(*current, tag::k_idle_action);
  for (const Instance* i : history) {
    if (i->tags.contains(tag::k_interruption_notice)) ++(drilled(*i) ? m.drills : m.interruptions);
    if (auto s = tag_or(*i, tag::k_checkpoint_status); !s.empty()) m.checkpoint_status = s;
    if (auto s = tag_or(*i, tag::k_relaunch_status); !s.empty()) m.relaunch_status = s;
    if (i != current) m.earlier.push_back(i->instance_id);
  }
  return m;
}

nlohmann::json or_null(const std::string& s) { return s.empty() ? nlohmann::json(nullptr) : nlohmann::json(s); }

}  // namespace

std::string MemberStatus::outcome() const {
  if (!current) return "missing";
  if (completion_status) return "done (status " + std::to_string(*completion_status) + ")";
  if (!idle_action.empty()) return "idle: " + idle_action.substr(0, idle_action.find(' '));
  if (current->tags.contains(tag::k_interruption_notice) && !live(*current)) return "interrupted";
  return current->state;
}

int ArrayStatus::running() const {
  return static_cast<int>(std::count_if(members.begin(), members.end(), [](const MemberStatus& m) {
    return m.current && (m.current->state == "running" || m.current->state == "pending");
  }));
}

int ArrayStatus::spot() const {
  return static_cast<int>(std::count_if(members.begin(), members.end(), [](const MemberStatus& m) {
    return m.current && live(*m.current) && m.current->spot();
  }));
}

int ArrayStatus::on_demand() const {
  return static_cast<int>(std::count_if(members.begin(), members.end(), [](const MemberStatus& m) {
    return m.current && live(*m.current) && !m.current->spot();
  }));
}

int ArrayStatus::done() const {
  return static_cast<int>(std::count_if(members.begin(), members.end(),
                                        [](const MemberStatus& m) { return m.completion_status.has_value(); }));
}

std::vector<ArrayStatus> array_statuses(const std::vector<Instance>& instances) {
  // Array id (or "instance:<id>" for one outside an array) -> index -> its instances.
  std::map<std::string, std::map<int, std::vector<const Instance*>>> groups;
  std::map<std::string, ArrayStatus> arrays;
  for (const Instance& i : instances) {
    const std::string array_id = tag_or(i, tag::k_job_array_id);
    const std::string key = array_id.empty() ? "instance:" + i.instance_id : array_id;
    const int index = array_id.empty() ? 0 : i.job_array_index().value_or(-1);
    groups[key][index].push_back(&i);
    ArrayStatus& a = arrays[key];
    a.job_array_id = array_id;
    a.job_array_name = array_id.empty() ? i.name() : tag_or(i, tag::k_job_array_name, array_id);
    if (!array_id.empty()) a.size = std::max(a.size, int_tag(i, tag::k_job_array_size).value_or(1));
  }
  std::vector<ArrayStatus> out;
  for (auto& [key, by_index] : groups) {
    ArrayStatus a = arrays[key];
    const int last = std::max(a.size - 1, by_index.empty() ? 0 : by_index.rbegin()->first);
    for (int index = 0; index <= last; ++index) {
      auto it = by_index.find(index);
      a.members.push_back(member_of(index, it == by_index.end() ? std::vector<const Instance*>{} : it->second));
    }
    // Members not tagged with their index yet (spawn tags it right after the launch).
    if (auto untagged = by_index.find(-1); untagged != by_index.end())
      for (const Instance* i : untagged->second) a.members.insert(a.members.begin(), member_of(-1, {i}));
    out.push_back(std::move(a));
  }
  std::stable_sort(out.begin(), out.end(), [](const ArrayStatus& x, const ArrayStatus& y) {
    return std::tie(x.job_array_name, x.job_array_id) < std::tie(y.job_array_name, y.job_array_id);
  });
  return out;
}

nlohmann::json to_json(const ArrayStatus& s) {
  nlohmann::json members = nlohmann::json::array();
  for (const MemberStatus& m : s.members) {
    const Instance* i = m.current ? &*m.current : nullptr;
    members.push_back({
        {"index", m.index < 0 ? nlohmann::json(nullptr) : nlohmann::json(m.index)},
        {"instance_id", i ? nlohmann::json(i->instance_id) : nlohmann::json(nullptr)},
        {"generation", m.generation},
        {"state", i ? i->state : std::string("missing")},
        {"lifecycle", i ? nlohmann::json(i->spot() ? "spot" : "on-demand") : nlohmann::json(nullptr)},
        {"instance_type", i ? or_null(i->instance_type) : nlohmann::json(nullptr)},
        {"availability_zone", i ? or_null(i->availability_zone) : nlohmann::json(nullptr)},
        {"interruptions", m.interruptions},
        {"drills", m.drills},
        {"checkpoint_status", or_null(m.checkpoint_status)},
        {"relaunch_status", or_null(m.relaunch_status)},
        {"replaces", or_null(m.replaces)},
        {"completion_status", m.completion_status ? nlohmann::json(*m.completion_status) : nlohmann::json(nullptr)},
        {"idle_action", or_null(m.idle_action)},
        {"earlier_instances", m.earlier},
    });
  }
  return {{"job_array_id", or_null(s.job_array_id)},
          {"job_array_name", or_null(s.job_array_name)},
          {"size", s.size},
          {"running", s.running()},
          {"spot", s.spot()},
          {"on_demand", s.on_demand()},
          {"done", s.done()},
          {"members", members}};
}

}  // namespace spawn::cli
