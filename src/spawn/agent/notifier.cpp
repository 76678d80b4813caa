#include "spawn/agent/notifier.hpp"

#include <future>
#include <thread>

namespace spawn::agent {

Notifier::Notifier(std::shared_ptr<Actions> actions, std::shared_ptr<Logger> log, std::function<SteadyTime()> steady)
    : m_actions(std::move(actions)), m_log(std::move(log)), m_steady(std::move(steady)) {
  if (!m_steady) m_steady = [] { return std::chrono::steady_clock::now(); };
}

// Detached threads holding shared state: a target that hangs past the handler's wait must not
// keep the handler (or the process, at shutdown) waiting for it; every call is bounded anyway.
template <class Task>
void Notifier::start(std::string target, SteadyTime since, Task task) {
  {
    std::lock_guard lock(m_shared->mutex);
    ++m_shared->running;
  }
  std::thread([shared = m_shared, log = m_log, clock = m_steady, target = std::move(target), since,
               task = std::move(task)] {
    auto started = clock();
    aws::Result<std::string> outcome = task();
    auto ended = clock();
    nlohmann::json fields = {{"target", target},
                             {"duration_seconds", seconds_between(started, ended)},
                             {"seconds_since_detection", seconds_between(since, ended)}};
    if (outcome) {
      if (!outcome->empty()) fields["message_id"] = *outcome;
      log->info("notification_sent", fields);
    } else {
      fields["error"] = outcome.error().describe();
      log->error("notification_failed", fields);
    }
    std::lock_guard lock(shared->mutex);
    --shared->running;
    shared->done.notify_all();
  }).detach();
}

void Notifier::tag(std::vector<std::pair<std::string, std::string>> tags, SteadyTime since) {
  std::string target = "tags";
  for (const auto& [k, v] : tags) target += (target == "tags" ? " " : ",") + k;
  // Tag calls keep their order (the notice before the checkpoint status): each waits for the one
  // before it, which is bounded like every call.
  auto done = std::make_shared<std::promise<void>>();
  std::shared_future<void> previous = std::exchange(m_last_tag, done->get_future().share());
  start(std::move(target), since,
        [actions = m_actions, tags = std::move(tags), previous, done]() -> aws::Result<std::string> {
    struct Signal {
      std::shared_ptr<std::promise<void>> p;
      ~Signal() { p->set_value(); }
    } signal{done};
    if (previous.valid()) previous.wait();
    auto r = actions->tag_instance(tags);
    if (!r) return unexpected(r.error());
    return std::string();
  });
}

void Notifier::send(const std::vector<std::string>& targets, const Message& message, SteadyTime since) {
  for (const auto& target : targets) {
    if (target.starts_with("https://")) {
      start(loggable_url(target), since, [actions = m_actions, target, message]() -> aws::Result<std::string> {
        auto r = actions->post_webhook(target, message.body);
        if (!r) return unexpected(r.error());
        return std::string();
      });
    } else {
      start(target, since, [actions = m_actions, target, message]() -> aws::Result<std::string> {
        return actions->publish(target, message.subject, message.body);
      });
    }
  }
}

std::size_t Notifier::wait_until(SteadyTime until) {
  std::unique_lock lock(m_shared->mutex);
  m_shared->done.wait_until(lock, until, [&] { return m_shared->running == 0; });
  return m_shared->running;
}

}  // namespace spawn::agent
