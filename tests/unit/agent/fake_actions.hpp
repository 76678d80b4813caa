#pragma once
// A fake Actions for agent tests: records every call with the time it was made, and answers
// what the test says (success by default, optionally after a delay).
#include <chrono>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "spawn/agent/aws_actions.hpp"

namespace spawn::test {

class FakeActions final : public agent::Actions {
 public:
  struct Call {
    std::string what;  // "tags", "terminate", "publish", "webhook"
    std::vector<std::pair<std::string, std::string>> args;
    std::chrono::steady_clock::time_point at;
  };

  aws::Result<void> tag_instance(const std::vector<std::pair<std::string, std::string>>& tags) override {
    note("tags", tags);
    return outcome();
  }
  aws::Result<void> stop_instance(bool hibernate) override {
    note("stop", {{"hibernate", hibernate ? "true" : "false"}});
    if (stop_error) return unexpected(*stop_error);
    return {};
  }
  aws::Result<void> terminate_instance() override {
    note("terminate", {});
    if (terminate_error) return unexpected(*terminate_error);
    return {};
  }
  aws::Result<void> cancel_own_spot_request() override {
    note("cancel_spot_request", {});
    if (cancel_error) return unexpected(*cancel_error);
    return {};
  }
  aws::Result<std::string> publish(const std::string& topic, const std::string& subject, const std::string& message) override {
    note("publish", {{"topic", topic}, {"subject", subject}, {"message", message}});
    auto r = outcome();
    if (!r) return unexpected(r.error());
    return std::string("msg-1");
  }
  aws::Result<void> post_webhook(const std::string& url, const std::string& body) override {
    note("webhook", {{"url", url}, {"body", body}});
    return outcome();
  }
  aws::Result<std::optional<aws::ec2::Instance>> describe_instance(const std::string& instance_id) override {
    note("describe", {{"instance_id", instance_id}});
    aws::ec2::Instance i;
    i.instance_id = instance_id;
    i.state = described_state;
    return std::optional<aws::ec2::Instance>(i);
  }
  aws::Result<launcher::Replacement> request_replacement(const launcher::RelaunchSpec& spec,
                                                         const launcher::Outgoing& out) override {
    note("relaunch", {{"launch_id", spec.launch_id},
                      {"index", out.index ? std::to_string(*out.index) : "-"},
                      {"generation", std::to_string(out.generation)},
                      {"token", launcher::replacement_token(spec, out, "spot")}});
    if (relaunch_error) return unexpected(*relaunch_error);
    return launcher::Replacement{"i-0replacement000001", "m6i.large", "us-east-1b", "fleet-1", true,
                                 out.generation + 1, "req-1"};
  }

  std::vector<Call> calls() const {
    std::lock_guard lock(m_mutex);
    return m_calls;
  }
  std::vector<Call> calls(const std::string& what) const {
    std::vector<Call> out;
    for (auto& c : calls())
      if (c.what == what) out.push_back(c);
    return out;
  }

  std::chrono::milliseconds delay{0};        // every call takes this long
  bool fail = false;                         // every call but terminate fails
  std::optional<aws::Error> terminate_error;
  std::optional<aws::Error> stop_error;
  std::optional<aws::Error> cancel_error;
  std::optional<aws::Error> relaunch_error;  // request_replacement fails with it
  std::string described_state = "running";   // what describe_instance says of any instance

 private:
  void note(std::string what, std::vector<std::pair<std::string, std::string>> args) {
    {
      std::lock_guard lock(m_mutex);
      m_calls.push_back({std::move(what), std::move(args), std::chrono::steady_clock::now()});
    }
    if (delay.count() > 0) std::this_thread::sleep_for(delay);
  }
  aws::Result<void> outcome() const {
    if (fail) return unexpected(aws::local_error("NetworkError", "unreachable"));
    return {};
  }
  mutable std::mutex m_mutex;
  std::vector<Call> m_calls;
};

}  // namespace spawn::test
