#include "spawn/agent/monitors.hpp"

#include "spawn/agent/deadline.hpp"
#include "spawn/agent/notices.hpp"

namespace spawn::agent {
namespace {

using Parser = expected<Event, std::string> (*)(std::string_view);

// A metadata path whose presence is the event: 404 is "nothing", a body is parsed.
class MetadataMonitor final : public Monitor {
 public:
  MetadataMonitor(std::shared_ptr<aws::imds::Client> imds, std::string_view path, Parser parse)
      : m_imds(std::move(imds)), m_path(path), m_parse(parse) {}

  std::string_view name() const override { return std::string_view(m_path).substr(std::string_view("meta-data/").size()); }

  aws::Result<std::optional<Event>> check_once() override {
    auto body = m_imds->get(m_path);
    if (!body) return unexpected(body.error());
    if (!*body) return std::optional<Event>();
    auto event = m_parse(**body);
    if (!event) return unexpected(aws::local_error("InvalidReply", event.error()));
    return std::optional<Event>(std::move(*event));
  }

 private:
  std::shared_ptr<aws::imds::Client> m_imds;
  std::string m_path;
  Parser m_parse;
};

class TtlMonitor final : public Monitor {
 public:
  TtlMonitor(util::SystemTime deadline, std::function<util::SystemTime()> wall)
      : m_deadline(deadline), m_wall(std::move(wall)) {}

  std::string_view name() const override { return "ttl"; }

  aws::Result<std::optional<Event>> check_once() override {
    Event e;
    e.time = m_deadline;
    e.time_text = util::format_rfc3339(m_deadline);
    switch (ttl_stage(m_wall(), m_deadline)) {
      case TtlStage::running: return std::optional<Event>();
      case TtlStage::warning: e.kind = EventKind::ttl_warning; break;
      case TtlStage::expired: e.kind = EventKind::ttl_deadline; break;
    }
    return std::optional<Event>(std::move(e));
  }

 private:
  util::SystemTime m_deadline;
  std::function<util::SystemTime()> m_wall;
};

}  // namespace

std::unique_ptr<Monitor> make_spot_notice_monitor(std::shared_ptr<aws::imds::Client> imds) {
  return std::make_unique<MetadataMonitor>(std::move(imds), k_instance_action_path, parse_instance_action);
}

std::unique_ptr<Monitor> make_rebalance_monitor(std::shared_ptr<aws::imds::Client> imds) {
  return std::make_unique<MetadataMonitor>(std::move(imds), k_rebalance_path, parse_rebalance);
}

std::unique_ptr<Monitor> make_ttl_monitor(util::SystemTime deadline, std::function<util::SystemTime()> wall_clock) {
  return std::make_unique<TtlMonitor>(deadline, std::move(wall_clock));
}

}  // namespace spawn::agent
