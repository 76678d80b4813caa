#include "spawn/cli/logs_command.hpp"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <thread>

#include "spawn/aws/ec2/console.hpp"
#include "spawn/cli/one_instance.hpp"
#include "spawn/cli/output.hpp"
#include "spawn/cli/session.hpp"
#include "spawn/util/encoding.hpp"

namespace spawn::cli {
namespace {

constexpr const char* k_examples = R"(
Examples:
  spawn logs i-0abc1234def567890
  spawn logs --job-array-name train --index 3 --latest
  spawn logs dev --follow

EC2 keeps what the instance printed on its serial console: the kernel, cloud-init (with the SSH
host keys it made), your user-data's output and spored's start. It has it a minute or two after
boot; --latest asks for the most recent output (Nitro instances only). Control characters are
written out, so a console cannot drive your terminal.)";

constexpr auto k_follow_interval = std::chrono::seconds(10);

class LogsCommand final : public Command {
 public:
  explicit LogsCommand(CLI::App& parent) : Command(parent, "logs", "Show an instance's console output") {
    m_app->footer(k_examples);
    m_which.add_options(*m_app);
    m_app->add_flag("--latest", m_latest, "the most recent output (Nitro instances), not the buffer kept from boot");
    m_app->add_flag("--follow,-f", m_follow, "keep printing what the console adds, every 10 s, until the instance ends");
  }

  int run() override {
    if (auto bad = m_which.usage_error(); !bad.empty()) {
      print_usage_error(bad, "logs");
      return k_exit_usage;
    }
    if (m_follow && m_global.output == OutputFormat::json) {
      print_usage_error("--follow: not with --output json", "logs");
      return k_exit_usage;
    }
    auto session = Session::open(m_global);
    if (!session) return report_open_failure(session.error());
    auto ec2 = session->ec2();
    auto instance = find_one(ec2, m_which, false);
    if (!instance) {
      print_command_failure(instance.error());
      return k_exit_failure;
    }
    std::string shown;
    for (;;) {
      auto console = aws::ec2::get_console_output(ec2, instance->instance_id, m_latest);
      if (!console) {
        print_error(console.error());
        return k_exit_failure;
      }
      if (m_global.output == OutputFormat::json) {
        fmt::print("{}\n", nlohmann::json{{"instance_id", console->instance_id},
                                          {"timestamp", console->timestamp.empty() ? nlohmann::json(nullptr)
                                                                                   : nlohmann::json(console->timestamp)},
                                          {"output", console->text}}
                               .dump(2, ' ', false, nlohmann::json::error_handler_t::replace));
        return k_exit_ok;
      }
      if (!m_follow) {
        if (console->text.empty())
          fmt::print(stderr, "{} has no console output yet (EC2 has it a minute or two after boot).\n",
                     instance->instance_id);
        std::fputs(terminal_safe(console->text).c_str(), stdout);
        return k_exit_ok;
      }
      std::fputs(terminal_safe(new_console_text(shown, console->text)).c_str(), stdout);
      std::fflush(stdout);
      shown = console->text;
      auto now = ec2.describe_instances({}, {instance->instance_id});
      if (now && !now->empty() && now->front().state == "terminated") {
        fmt::print(stderr, "{} is terminated.\n", instance->instance_id);
        return k_exit_ok;
      }
      std::this_thread::sleep_for(k_follow_interval);
    }
  }

 private:
  OneInstance m_which;
  bool m_latest = false, m_follow = false;
};

}  // namespace

std::string terminal_safe(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  size_t plain = 0;
  auto flush = [&](size_t to) {
    if (to > plain) out += util::escape_controls(text.substr(plain, to - plain));
  };
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '\n' || c == '\t' || c == '\r') {
      flush(i);
      if (c != '\r') out += c;
      plain = i + 1;
    }
  }
  flush(text.size());
  return out;
}

std::string new_console_text(std::string_view before, std::string_view now) {
  if (before.empty()) return std::string(now);
  if (now.starts_with(before)) return std::string(now.substr(before.size()));
  // The longest end of what was shown (256 bytes at most, 8 at least) still in the buffer.
  const size_t shortest = std::min<size_t>(8, before.size());
  for (size_t n = std::min<size_t>(256, before.size()); n >= shortest && n > 0; --n)
    if (auto at = now.rfind(before.substr(before.size() - n)); at != std::string_view::npos)
      return std::string(now.substr(at + n));
  return std::string(now);
}

std::unique_ptr<Command> make_logs_command(CLI::App& parent) { return std::make_unique<LogsCommand>(parent); }

}  // namespace spawn::cli
