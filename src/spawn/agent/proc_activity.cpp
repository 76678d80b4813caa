#include "spawn/agent/proc_activity.hpp"

#include <dirent.h>

#include <algorithm>
#include <charconv>
#include <memory>

#include "spawn/util/files.hpp"

namespace spawn::agent {
namespace {

constexpr size_t k_comm_length = 15;  // TASK_COMM_LEN - 1

std::string_view base_name(std::string_view path) {
  auto slash = path.find_last_of('/');
  return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

// The fields after the label of one /proc/stat line.
std::vector<std::uint64_t> numbers(std::string_view line) {
  std::vector<std::uint64_t> out;
  size_t i = line.find(' ');
  while (i != std::string_view::npos && i < line.size()) {
    while (i < line.size() && line[i] == ' ') ++i;
    if (i >= line.size()) break;
    std::uint64_t n = 0;
    auto [end, ec] = std::from_chars(line.data() + i, line.data() + line.size(), n);
    if (ec != std::errc()) return {};
    out.push_back(n);
    i = static_cast<size_t>(end - line.data());
  }
  return out;
}

bool all_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

std::vector<std::string> split_nul(const std::string& text) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\0', start);
    if (end == std::string::npos) end = text.size();
    out.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

}  // namespace

std::optional<CpuTimes> parse_proc_stat(std::string_view text) {
  std::optional<CpuTimes> times;
  int cpus = 0;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(start, end - start);
    start = end + 1;
    if (line.starts_with("cpu ")) {
      auto n = numbers(line);
      if (n.size() < 4) return std::nullopt;
      n.resize(std::max<size_t>(n.size(), 8), 0);
      // user nice system idle iowait irq softirq steal [guest guest_nice: already in user, nice]
      CpuTimes t;
      t.busy = n[0] + n[1] + n[2] + n[5] + n[6];
      t.total = t.busy + n[3] + n[4] + n[7];
      times = t;
    } else if (line.starts_with("cpu") && line.size() > 3 && line[3] >= '0' && line[3] <= '9') {
      ++cpus;
    }
  }
  if (!times) return std::nullopt;
  times->cpus = std::max(cpus, 1);
  return times;
}

std::optional<double> cpu_percent_between(const CpuTimes& before, const CpuTimes& after) {
  if (after.total <= before.total || after.busy < before.busy) return std::nullopt;
  const double share = static_cast<double>(after.busy - before.busy) / static_cast<double>(after.total - before.total);
  return share * 100.0 * std::max(after.cpus, 1);
}

bool is_session_process(const ProcessInfo& p) {
  if (p.comm.starts_with("ssm-session-wor")) return true;
  if (p.argv.empty()) return false;
  const std::string& title = p.argv.front();
  if (!title.starts_with("sshd: ") && !title.starts_with("sshd-session: ")) return false;
  const auto at = title.find('@');
  return at != std::string::npos && title.find(" [priv]") == std::string::npos;
}

bool process_matches(const ProcessInfo& p, std::string_view name) {
  if (name.empty()) return false;
  if (p.comm == name.substr(0, k_comm_length)) return true;
  if (p.argv.empty()) return false;
  if (base_name(p.argv.front()) == name) return true;
  for (size_t i = 1; i < p.argv.size(); ++i) {
    if (p.argv[i].starts_with('-')) continue;
    return base_name(p.argv[i]) == name;
  }
  return false;
}

expected<CpuTimes, std::string> ProcReader::cpu_times() const {
  const std::string path = m_root + "/stat";
  auto text = util::read_file(path);
  if (!text) return unexpected(text.error());
  if (!*text) return unexpected(path + " does not exist");
  auto times = parse_proc_stat(**text);
  if (!times) return unexpected(path + " has no cpu line");
  return *times;
}

expected<ProcessScan, std::string> ProcReader::scan(const std::vector<std::string>& names) const {
  std::unique_ptr<DIR, int (*)(DIR*)> dir(::opendir(m_root.c_str()), ::closedir);
  if (!dir) return unexpected("cannot list " + m_root);
  ProcessScan scan;
  std::vector<bool> seen(names.size(), false);
  while (const dirent* entry = ::readdir(dir.get())) {
    const std::string_view pid = entry->d_name;
    if (!all_digits(pid)) continue;
    const std::string folder = m_root + "/" + std::string(pid);
    auto comm = util::read_file(folder + "/comm");
    if (!comm || !*comm) continue;  // gone meanwhile
    ProcessInfo p;
    p.comm = **comm;
    while (!p.comm.empty() && p.comm.back() == '\n') p.comm.pop_back();
    if (auto cmdline = util::read_file(folder + "/cmdline"); cmdline && *cmdline) p.argv = split_nul(**cmdline);
    if (is_session_process(p)) ++scan.sessions;
    for (size_t i = 0; i < names.size(); ++i)
      if (!seen[i] && process_matches(p, names[i])) seen[i] = true;
  }
  for (size_t i = 0; i < names.size(); ++i)
    if (seen[i]) scan.active.push_back(names[i]);
  return scan;
}

}  // namespace spawn::agent
