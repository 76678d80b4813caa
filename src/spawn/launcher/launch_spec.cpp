#include "spawn/launcher/launch_spec.hpp"

#include <nlohmann/json.hpp>

#include "spawn/util/encoding.hpp"

namespace spawn::launcher {
namespace {

std::string up_to_host(const std::string& url) {
  const auto scheme = url.find("://");
  const auto path = url.find_first_of("/?#", scheme == std::string::npos ? 0 : scheme + 3);
  return path == std::string::npos ? url : url.substr(0, path) + "/...";
}

}  // namespace

std::string launch_prefix(const std::string& launch_id) { return "spawn/launches/" + launch_id + "/"; }

SpecLocation spec_location(const std::string& bucket, const std::string& region, const std::string& launch_id) {
  return {bucket, region, launch_prefix(launch_id) + "spec.json"};
}

bool is_secret_notify_target(const std::string& target) { return !target.starts_with("arn:"); }

bool is_secret_checkpoint_script(const model::CheckpointScript& script) {
  return script.kind != model::CheckpointScript::Kind::s3;
}

std::string spec_document(const SpecInput& in) {
  nlohmann::ordered_json doc;
  doc["version"] = 1;
  doc["launch_id"] = in.launch_id;
  doc["on_interruption"] = std::string(model::to_string(in.on_interruption));
  std::string script;
  if (in.checkpoint_script) {
    const auto& s = *in.checkpoint_script;
    script = s.kind == model::CheckpointScript::Kind::local_file ? "embedded:" + s.sha256 : s.source;
  }
  doc["checkpoint_script"] = script;
  if (in.checkpoint_script_region) doc["checkpoint_script_region"] = *in.checkpoint_script_region;
  if (in.checkpoint_script && in.checkpoint_script->kind == model::CheckpointScript::Kind::local_file)
    doc["checkpoint_script_content"] = util::base64_encode(in.checkpoint_script->content);
  doc["notify"] = in.notify;
  if (in.ttl_deadline) doc["ttl_deadline"] = *in.ttl_deadline;
  return doc.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

expected<std::string, std::string> spec_with_deadlines(std::string_view document,
                                                       const std::map<std::string, std::string>& new_deadlines) {
  auto doc = nlohmann::ordered_json::parse(document, nullptr, false);
  auto version = doc.is_object() ? doc.find("version") : doc.end();
  if (!doc.is_object() || version == doc.end() || !version->is_number_integer() || *version != 1)
    return unexpected(std::string("not a launch spec of version 1"));
  auto& deadlines = doc["ttl_deadlines"];
  if (deadlines.is_null()) deadlines = nlohmann::ordered_json::object();
  if (!deadlines.is_object()) return unexpected(std::string("its ttl_deadlines is not an object"));
  for (const auto& [id, deadline] : new_deadlines) {
    if (id == k_deadline_of_launch) doc["ttl_deadline"] = deadline;
    else deadlines[id] = deadline;
  }
  return doc.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::vector<std::string> secret_settings(const model::SpotOptions& spot) {
  std::vector<std::string> out;
  for (const auto& target : spot.notify)
    if (is_secret_notify_target(target)) out.push_back("--notify " + up_to_host(target));
  if (spot.checkpoint_script && spot.checkpoint_script->kind == model::CheckpointScript::Kind::https)
    out.push_back("--checkpoint-script " + up_to_host(spot.checkpoint_script->source));
  return out;
}

}  // namespace spawn::launcher
