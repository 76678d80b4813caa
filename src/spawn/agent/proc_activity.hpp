#pragma once
// What the kernel says about activity on the instance, read from /proc (or a copy of its layout
// given as root, for containers that mount the host's /proc elsewhere and for tests): CPU time,
// SSH and SSM sessions, and processes by name. The idle monitor (idle_monitor.hpp) decides.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "spawn/util/expected.hpp"

namespace spawn::agent {

// The "cpu" line of /proc/stat and how many CPUs it sums.
struct CpuTimes {
  std::uint64_t busy = 0;   // user + nice + system + irq + softirq (guest time is inside user)
  std::uint64_t total = 0;  // busy + idle + iowait + steal
  int cpus = 0;             // "cpuN" lines
};

// /proc/stat's text -> its CPU times; nullopt when there is no well-formed "cpu" line.
std::optional<CpuTimes> parse_proc_stat(std::string_view text);

// The CPU used between two readings, in top's unit: percent of one CPU (100 = one whole CPU,
// whatever the number of CPUs). nullopt when no time passed or the counters went back.
std::optional<double> cpu_percent_between(const CpuTimes& before, const CpuTimes& after);

// One process as /proc shows it: comm (the kernel's name, at most 15 characters) and argv.
struct ProcessInfo {
  std::string comm;
  std::vector<std::string> argv;
};

// An interactive session's process: an SSH session's own sshd ("sshd: alice@pts/0", or
// "sshd-session: alice@notty" since OpenSSH 9.8; the "[priv]" half names no '@') or SSM Session
// Manager's session worker.
bool is_session_process(const ProcessInfo& p);

// Whether p answers to name: its comm (names over 15 characters compared on their first 15),
// its program's file name, or the file name of the first argument that is no option (the script
// an interpreter runs: "python3 -u train.py" answers to python3 and train.py).
bool process_matches(const ProcessInfo& p, std::string_view name);

// One look at the processes.
struct ProcessScan {
  int sessions = 0;                    // SSH and SSM sessions
  std::vector<std::string> active;     // the names asked for that are running (each once)
};

class ProcReader {
 public:
  explicit ProcReader(std::string root = "/proc") : m_root(std::move(root)) {}
  const std::string& root() const { return m_root; }

  // <root>/stat; an error (a sentence) when it cannot be read or parsed.
  expected<CpuTimes, std::string> cpu_times() const;
  // Every <root>/<pid>/ (a process gone while read is skipped); an error when <root> cannot be listed.
  expected<ProcessScan, std::string> scan(const std::vector<std::string>& names) const;

 private:
  std::string m_root;
};

}  // namespace spawn::agent
