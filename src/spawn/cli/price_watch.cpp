#include "spawn/cli/price_watch.hpp"

#include <fmt/format.h>
#include <poll.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <deque>
#include <map>

#include "spawn/cli/output.hpp"
#include "spawn/cli/price_alert_notify.hpp"
#include "spawn/cli/price_watch_view.hpp"
#include "spawn/cli/prices.hpp"
#include "spawn/model/spot_options.hpp"
#include "spawn/util/stop_request.hpp"

namespace spawn::cli {

void WatchFlags::add(CLI::App& app) {
  app.add_option("--watch", m_watch,
                 "fetch the prices again every INTERVAL (1m to 24h, e.g. 5m) until Ctrl-C; on a terminal a live "
                 "view (Enter: refresh now)")
      ->type_name("INTERVAL");
  app.add_option("--alert-above", m_alert_above,
                 "with --watch: alert when a row's spot price goes above PRICE (USD/h), and when it is back")
      ->type_name("PRICE");
  app.add_option("--alert-savings-below", m_alert_savings_below,
                 "with --watch: alert when a row's savings fall below PCT percent, and when they are back")
      ->type_name("PCT");
  app.add_option("--notify", m_notify,
                 "with an alert: tell this target of each alert and its end (repeatable, comma-separated): an SNS "
                 "topic ARN or an https:// webhook")
      ->type_name("TARGET");
}

expected<std::optional<WatchPlan>, model::UsageError> WatchFlags::read() const {
  using Err = model::UsageError;
  if (m_alert_above && m_alert_savings_below)
    return unexpected(Err{"--alert-above and --alert-savings-below: give one alert, not both"});
  const bool alert = m_alert_above || m_alert_savings_below;
  if (!m_notify.empty() && !alert)
    return unexpected(Err{"--notify: needs an alert to tell (--alert-above PRICE or --alert-savings-below PCT)"});
  if (alert && !m_watch)
    return unexpected(Err{fmt::format("{}: needs --watch INTERVAL (e.g. --watch 5m)",
                                      m_alert_above ? "--alert-above" : "--alert-savings-below")});
  if (!m_watch) return std::optional<WatchPlan>();
  WatchPlan plan;
  auto interval = model::parse_watch_interval("--watch", *m_watch);
  if (!interval) return unexpected(interval.error());
  plan.interval = *interval;
  if (m_alert_above) {
    auto price = model::parse_alert_price("--alert-above", *m_alert_above);
    if (!price) return unexpected(price.error());
    plan.rule = model::AlertRule::price_above(*price);
  }
  if (m_alert_savings_below) {
    auto percent = model::parse_alert_percent("--alert-savings-below", *m_alert_savings_below);
    if (!percent) return unexpected(percent.error());
    plan.rule = model::AlertRule::savings_below(*percent);
  }
  for (const auto& n : model::split_notify_args(m_notify)) {
    auto target = model::parse_notify_target(n);
    if (!target) return unexpected(target.error());
    if (std::find(plan.notify.begin(), plan.notify.end(), *target) == plan.notify.end()) plan.notify.push_back(*target);
  }
  return std::optional<WatchPlan>(std::move(plan));
}

namespace {

using Clock = std::chrono::steady_clock;

constexpr size_t k_recent_alerts = 5;

enum class Wake { due, enter, stop };

// The wait between rounds: until the next round is due, a line on stdin (Enter), or Ctrl-C.
// stdin is read only while this process may read it (not a background job of its terminal:
// reading would stop it) and until its end.
class Wait {
 public:
  explicit Wait(const util::StopRequest& stop) : m_stop(stop) {}

  Wake until(Clock::time_point due) {
    for (;;) {
      if (m_stop.requested()) return Wake::stop;
      const auto left = std::chrono::ceil<std::chrono::milliseconds>(due - Clock::now());
      if (left.count() <= 0) return Wake::due;
      // At most a second at a time: a job brought to the foreground is noticed.
      const int ms = static_cast<int>(std::min<long long>(left.count(), 1000));
      pollfd fds[2] = {{m_stop.fd(), POLLIN, 0}, {m_stdin_open && may_read_stdin() ? 0 : -1, POLLIN, 0}};
      const int n = ::poll(fds, 2, ms);
      if (n <= 0) continue;  // timeout, or EINTR (the signal's flag is checked first)
      if (fds[1].revents != 0 && read_line()) return Wake::enter;
    }
  }

 private:
  static bool may_read_stdin() {
    if (!::isatty(0)) return true;
    const pid_t group = ::tcgetpgrp(0);
    return group < 0 || group == ::getpgrp();  // not our controlling terminal, or we are its foreground
  }

  // Whether what stdin had holds a line's end; its end or an error stops reading it.
  bool read_line() {
    char buf[256];
    const ssize_t n = ::read(0, buf, sizeof buf);
    if (n < 0 && (errno == EINTR || errno == EAGAIN)) return false;
    if (n <= 0) {
      m_stdin_open = false;
      return false;
    }
    return std::memchr(buf, '\n', static_cast<size_t>(n)) || std::memchr(buf, '\r', static_cast<size_t>(n));
  }

  const util::StopRequest& m_stop;
  bool m_stdin_open = true;
};

void print_lines(std::FILE* to, const std::vector<std::string>& lines) {
  for (const auto& line : lines) fmt::print(to, "{}\n", line);
  std::fflush(to);
}

std::string row_key(const PriceFigures& r) { return r.region + '\n' + r.instance_type + '\n' + r.availability_zone; }

// Each row's figure through its AlertState; the changes told to the targets, their lines for the
// caller to show, and what was sent, as the JSON line's "alerts".
class Alerts {
 public:
  Alerts(const Session& session, const WatchPlan& plan) : m_session(session), m_plan(plan) {}

  // The rows' alerting flags after this round; the round's changes appended to events.
  std::vector<bool> observe(const std::vector<PriceFigures>& rows, util::SystemTime at,
                            std::vector<PriceAlertEvent>& events) {
    std::vector<bool> alerting;
    for (const auto& row : rows) {
      auto& state = m_states.try_emplace(row_key(row), *m_plan.rule).first->second;
      if (auto value = watched_figure(*m_plan.rule, row))
        if (auto change = state.observe(*value)) events.push_back({*change, *m_plan.rule, row, at});
      alerting.push_back(state.alerting());
    }
    return alerting;
  }

  // Tells each event's targets; each event's line, and a warning line for each target not told,
  // appended to lines (the caller shows them: stderr, or the live view); the JSON of what was sent.
  nlohmann::json tell(const std::vector<PriceAlertEvent>& events, std::vector<std::string>& lines) const {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& event : events) {
      lines.push_back(alert_line(event));
      nlohmann::json sent = alert_document(event);
      sent["notified"] = nlohmann::json::array();
      for (const auto& outcome : notify_price_alert(m_session, m_plan.notify, event)) {
        if (outcome.error)
          lines.push_back(fmt::format("spawn: warning: could not tell {} about the alert: {}", outcome.target, *outcome.error));
        sent["notified"].push_back({{"target", outcome.target},
                                    {"delivered", !outcome.error},
                                    {"error", outcome.error ? nlohmann::json(*outcome.error) : nlohmann::json(nullptr)}});
      }
      out.push_back(std::move(sent));
    }
    return out;
  }

 private:
  const Session& m_session;
  const WatchPlan& m_plan;
  std::map<std::string, model::AlertState> m_states;
};

}  // namespace

int run_price_watch(const Session& session, const PriceAsk& ask, const WatchPlan& plan, OutputFormat output) {
  const util::StopRequest stop;
  Wait wait(stop);
  const bool live = ::isatty(1) && output == OutputFormat::table;
  auto on_demand = on_demand_prices(session, ask.regions.front());
  Alerts alerts(session, plan);
  std::deque<std::string> recent;  // the live view's last alert lines, with their time
  while (!stop.requested()) {
    const auto started = Clock::now();
    const auto at = std::chrono::system_clock::now();
    const PriceRound round = fetch_price_round(session, ask, *on_demand);
    std::vector<PriceAlertEvent> events;
    std::vector<std::string> told;  // the alert and warning lines of this round
    std::vector<bool> alerting;
    if (plan.rule) alerting = alerts.observe(round.figures(), at, events);
    const std::vector<bool>* flags = plan.rule ? &alerting : nullptr;
    const model::AlertRule* rule = plan.rule ? &*plan.rule : nullptr;
    if (output == OutputFormat::json) {
      // The alerts are sent first: the line says what was sent this round.
      const nlohmann::json sent = alerts.tell(events, told);
      print_lines(stderr, told);
      fmt::print("{}\n", round_json(round, at, flags, sent).dump());
    } else if (live) {
      // The alerts are told first, so the view shows them (a redraw would wipe lines printed
      // under it); then home, clear the screen and the view in one write: never half a table.
      alerts.tell(events, told);
      for (auto& line : told) recent.push_back(local_clock(at) + "  " + line);
      while (recent.size() > k_recent_alerts) recent.pop_front();
      fmt::print("\033[H\033[2J{}\n\n{}{}", watch_header(plan.interval, at, at + plan.interval),
                 round_text(round, flags, rule), recent_alerts_text(recent));
      std::fflush(stdout);
    } else {
      fmt::print("{}\n{}\n", round_heading(plan.interval, at), round_text(round, flags, rule));
      std::fflush(stdout);
      alerts.tell(events, told);
      print_lines(stderr, told);
    }
    std::fflush(stdout);
    if (wait.until(started + plan.interval) == Wake::stop) break;
  }
  return k_exit_ok;
}

}  // namespace spawn::cli
