#include "spawn/agent/relaunch.hpp"

#include <fmt/format.h>

#include "spawn/agent/notifier.hpp"
#include "spawn/model/job_array.hpp"
#include "spawn/model/tags.hpp"

namespace spawn::agent {
namespace {

namespace tag = model::tag;

double seconds_since(const Clocks& clocks, SteadyTime since) {
  return std::chrono::duration<double>(clocks.steady() - since).count();
}

// EC2 takes at most 256 characters in a tag value.
std::string tag_value(std::string text) {
  if (text.size() > tag::k_value_limit) text.resize(tag::k_value_limit);
  return text;
}

void record(const RelaunchJob& job, const std::string& field, nlohmann::json value) {
  if (auto e = job.store->record(job.key, field, std::move(value)); !e.empty())
    job.log->error("state_write_failed", {{"error", e}});
}

void write_tag(const RelaunchJob& job, const std::string& value) {
  if (auto tagged = job.actions->tag_instance({{tag::k_relaunch_status, value}}); !tagged)
    job.log->warning("notification_failed", {{"target", "tags"}, {"error", tagged.error().describe()}});
}

void tell_failure(const RelaunchJob& job, const aws::Error& error) {
  if (job.notify.empty()) return;
  nlohmann::json body = {{"source", "spored"},
                         {"event", "relaunch_failed"},
                         {"instance_id", job.outgoing.instance_id},
                         {"generation", job.outgoing.generation},
                         {"reason", job.key},
                         {"code", error.code},
                         {"message", error.message}};
  if (job.outgoing.index) body["job_array"]["index"] = *job.outgoing.index;
  if (auto it = job.tags.find(tag::k_job_array_name); it != job.tags.end()) body["job_array"]["name"] = it->second;
  if (auto it = job.tags.find(tag::k_job_array_id); it != job.tags.end()) body["job_array"]["id"] = it->second;
  Notifier notifier(job.actions, job.log, job.clocks.steady);
  notifier.send(job.notify,
                Message{fmt::format("spawn: the replacement of {} could not be launched ({})", job.outgoing.instance_id,
                                    error.code),
                        body.dump()},
                job.since);
  notifier.wait_until(job.clocks.steady() + job.notify_wait);
}

RelaunchOutcome refuse(const RelaunchJob& job, const std::string& why) {
  RelaunchOutcome out{"none", tag_value("none: " + why), std::nullopt};
  record(job, "relaunch", "none");
  record(job, "relaunch_why", why);
  job.log->info("relaunch_skipped", {{"reason", job.key}, {"why", why}});
  write_tag(job, out.tag);
  return out;
}

}  // namespace

launcher::Outgoing outgoing_member(const InstanceFacts& facts, const std::optional<util::SystemTime>& ttl_deadline) {
  launcher::Outgoing out;
  out.instance_id = facts.instance_id;
  out.instance_type = facts.instance_type;
  out.availability_zone = facts.availability_zone;
  out.subnet_id = facts.subnet_id;
  out.index = model::job_array_index(facts.tags, facts.ami_launch_index);
  if (auto it = facts.tags.find(tag::k_generation); it != facts.tags.end())
    out.generation = model::parse_index(it->second).value_or(0);
  if (ttl_deadline) out.ttl_deadline = util::format_rfc3339(*ttl_deadline);
  return out;
}

bool relaunch_unfinished(const EventStore& store, const std::string& key) {
  if (!store.latched(key)) return false;
  const nlohmann::json r = store.record_of(key);
  return !r.is_object() || !r.contains("relaunch") || r.value("relaunch", "") == "pending";
}

RelaunchOutcome relaunch_member(const RelaunchJob& job) {
  const nlohmann::json before = job.store->record_of(job.key);
  if (before.is_object() && before.contains("relaunch") && before.value("relaunch", "") != "pending") {
    job.log->info("relaunch_skipped", {{"reason", job.key}, {"why", "handled before: " + before["relaunch"].dump()}});
    return {"done before", "", std::nullopt};
  }
  // One replacement per member: a notice after --rebalance move already replaced it.
  for (const char* other : {"interruption", "rebalance"}) {
    if (job.key == other) continue;
    const nlohmann::json r = job.store->record_of(other);
    if (r.is_object() && r.value("relaunch", "") == "requested") {
      job.log->info("relaunch_skipped", {{"reason", job.key},
                                         {"why", std::string("replaced already, on the ") + other + " (" +
                                                     r.value("replacement", "") + ")"}});
      return {"done before", "", std::nullopt};
    }
  }
  if (job.completed) return refuse(job, "the job completed (spored complete)");
  if (auto why = launcher::relaunch_refusal(job.spec, job.outgoing, job.clocks.wall())) return refuse(job, *why);

  record(job, "relaunch", "pending");
  job.log->info("relaunch_started", {{"reason", job.key},
                                     {"generation", job.outgoing.generation + 1},
                                     {"seconds_since_detection", seconds_since(job.clocks, job.since)}});
  auto replacement = job.actions->request_replacement(job.spec, job.outgoing);
  if (!replacement) {
    const aws::Error& e = replacement.error();
    if (launcher::is_template_gone(e)) return refuse(job, "the launch was terminated (its launch template is gone)");
    // No answer at all: EC2 may have launched it. The record stays pending, so that a restarted
    // spored or `spawn relaunch` asks again with the same ClientToken and learns which.
    const bool unknown = launcher::outcome_unknown(e);
    RelaunchOutcome out{unknown ? "unknown" : "failed",
                        tag_value(fmt::format("{}: {}: {}", unknown ? "unknown" : "failed", e.code, e.message)), std::nullopt};
    if (!unknown) record(job, "relaunch", "failed");
    record(job, "relaunch_error", e.describe());
    job.log->error("relaunch_failed", {{"reason", job.key},
                                       {"error", e.describe()},
                                       {"seconds_since_detection", seconds_since(job.clocks, job.since)}});
    write_tag(job, out.tag);
    tell_failure(job, e);
    return out;
  }
  const launcher::Replacement& r = *replacement;
  const char* market = r.spot ? "spot" : "on-demand";
  RelaunchOutcome out{"requested",
                      tag_value(fmt::format("requested {} (generation {}, {})", r.instance_id, r.generation, market)), r};
  record(job, "relaunch", "requested");
  record(job, "replacement", r.instance_id);
  job.log->warning("relaunch_requested", {{"reason", job.key},
                                          {"replacement", r.instance_id},
                                          {"instance_type", r.instance_type},
                                          {"availability_zone", r.availability_zone},
                                          {"market", market},
                                          {"generation", r.generation},
                                          {"seconds_since_detection", seconds_since(job.clocks, job.since)}});
  write_tag(job, out.tag);
  return out;
}

}  // namespace spawn::agent
