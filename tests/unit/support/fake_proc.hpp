#pragma once
// A folder laid out like /proc for the idle tests: a stat file whose CPU counters the test moves,
// and processes (comm, cmdline) it starts and ends.
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace spawn::test {

class FakeProc {
 public:
  explicit FakeProc(std::string root, int cpus = 4) : m_root(std::move(root)), m_cpus(cpus) {
    std::filesystem::create_directories(m_root);
    write_stat();
  }
  const std::string& root() const { return m_root; }

  // CPU time passes: `seconds` of wall time on every CPU (100 ticks a second each), of which
  // `busy_cpus` CPUs' worth was busy (0.5: half of one CPU).
  void pass(double seconds, double busy_cpus) {
    const double ticks = seconds * 100;
    m_busy += static_cast<unsigned long long>(ticks * busy_cpus);
    m_idle += static_cast<unsigned long long>(ticks * (m_cpus - busy_cpus));
    write_stat();
  }

  void start(int pid, const std::string& comm, const std::vector<std::string>& argv) {
    const std::string folder = m_root + "/" + std::to_string(pid);
    std::filesystem::create_directories(folder);
    std::ofstream(folder + "/comm") << comm.substr(0, 15) << "\n";
    std::string cmdline;
    for (const auto& a : argv) cmdline += a + std::string(1, '\0');
    std::ofstream(folder + "/cmdline", std::ios::binary) << cmdline;
  }
  // /proc/stat gone for good (a container without the host's /proc, say).
  void remove_stat() {
    m_stat = false;
    std::filesystem::remove(m_root + "/stat");
  }
  void end(int pid) { std::filesystem::remove_all(m_root + "/" + std::to_string(pid)); }

 private:
  void write_stat() {
    if (!m_stat) return;
    std::ofstream out(m_root + "/stat");
    // user nice system idle iowait irq softirq steal guest guest_nice
    out << "cpu  " << m_busy << " 0 0 " << m_idle << " 0 0 0 0 0 0\n";
    for (int i = 0; i < m_cpus; ++i) out << "cpu" << i << " 0 0 0 0 0 0 0 0 0 0\n";
    out << "intr 1 2 3\nctxt 42\nprocs_running 1\n";
  }

  std::string m_root;
  int m_cpus;
  bool m_stat = true;
  unsigned long long m_busy = 1000, m_idle = 100000;
};

}  // namespace spawn::test
