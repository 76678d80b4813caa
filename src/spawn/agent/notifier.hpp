#pragma once
// Telling the owner: instance tags, SNS topics and https webhooks, each on a thread of its own so
// that a slow or unreachable target never delays the checkpoint. The handler waits for them, with
// a bound, only before it shuts the instance down.
#include <condition_variable>
#include <future>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "spawn/agent/aws_actions.hpp"
#include "spawn/agent/clocks.hpp"
#include "spawn/agent/log.hpp"

namespace spawn::agent {

struct Message {
  std::string subject;  // SNS subject
  std::string body;     // JSON document: SNS message and webhook body
};

class Notifier {
 public:
  // steady: the clock of the detection times given to tag() and send() (steady_clock::now if empty).
  Notifier(std::shared_ptr<Actions> actions, std::shared_ptr<Logger> log, std::function<SteadyTime()> steady = {});

  // Starts CreateTags of tags on the instance; returns at once. since: the detection time, for
  // the log's timings. The task ends with one "notification_sent" (or "notification_failed") record.
  // Tag calls reach AWS in the order they were asked for.
  void tag(std::vector<std::pair<std::string, std::string>> tags, SteadyTime since);
  // Starts one task per target (SNS topic ARN or https URL); returns at once.
  void send(const std::vector<std::string>& targets, const Message& message, SteadyTime since);

  // Waits until every task started so far has ended, or until `until`. How many still run.
  std::size_t wait_until(SteadyTime until);

 private:
  struct Shared {
    std::mutex mutex;
    std::condition_variable done;
    std::size_t running = 0;
  };
  template <class Task>
  void start(std::string target, SteadyTime since, Task task);

  std::shared_ptr<Actions> m_actions;
  std::shared_ptr<Logger> m_log;
  std::function<SteadyTime()> m_steady;
  std::shared_ptr<Shared> m_shared = std::make_shared<Shared>();
  std::shared_future<void> m_last_tag;  // ready when the last tag call started has ended
};

}  // namespace spawn::agent
