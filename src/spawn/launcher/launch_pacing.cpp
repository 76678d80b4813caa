#include "spawn/launcher/launch_pacing.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <thread>

namespace spawn::launcher {

std::vector<int> launch_chunks(int count) {
  std::vector<int> out;
  for (int left = count; left > 0; left -= k_run_instances_burst) out.push_back(std::min(left, k_run_instances_burst));
  if (out.empty()) out.push_back(count);
  return out;
}

std::chrono::seconds refill_wait(int next) {
  return std::chrono::seconds((next + k_run_instances_refill_per_s - 1) / k_run_instances_refill_per_s + 1);
}

aws::Result<std::vector<aws::ec2::StateChange>> terminate_in_batches(
    const aws::ec2::Client& ec2, const std::vector<std::string>& ids, const std::function<void(const std::string&)>& say,
    const std::function<void(std::chrono::milliseconds)>& wait) {
  std::vector<aws::ec2::StateChange> all;
  for (size_t start = 0; start < ids.size(); start += k_terminate_burst) {
    const size_t end = std::min(ids.size(), start + k_terminate_burst);
    if (start > 0) {
      const auto pause = std::chrono::seconds(static_cast<int>(end - start) / k_terminate_refill_per_s + 1);
      if (say)
        say(fmt::format("EC2 terminates at most {} instances at once, then {} a second: terminating {} more in {} s "
                        "({} of {} done)", k_terminate_burst, k_terminate_refill_per_s, end - start, pause.count(), start,
                        ids.size()));
      if (wait) wait(pause);
      else std::this_thread::sleep_for(pause);
    }
    auto changes = ec2.terminate_instances({ids.begin() + static_cast<long>(start), ids.begin() + static_cast<long>(end)});
    if (!changes) {
      aws::Error e = changes.error();
      if (start > 0) e.message += fmt::format(" (after {} of the {} instances were terminated)", start, ids.size());
      return unexpected(e);
    }
    all.insert(all.end(), changes->begin(), changes->end());
  }
  return all;
}

}  // namespace spawn::launcher
