#include "spawn/aws/fis/client.hpp"

#include "spawn/util/url.hpp"

namespace spawn::aws::fis {
namespace {

ServiceRequest json_request(std::string method, std::string path, const nlohmann::json& body) {
  ServiceRequest req;
  req.method = std::move(method);
  req.path = std::move(path);
  if (!body.is_null()) {
    req.headers.emplace_back("Content-Type", "application/json");
    req.body = body.dump();
  }
  return req;
}

Result<nlohmann::json> object_of(std::string_view body, const char* call) {
  auto doc = nlohmann::json::parse(body, nullptr, false);
  if (doc.is_discarded() || !doc.is_object())
    return unexpected(local_error("InvalidReply", std::string(call) + " returned a reply that is not a JSON object"));
  return doc;
}

std::string string_at(const nlohmann::json& object, const char* key) {
  auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

}  // namespace

ServiceRequest create_experiment_template_request(const nlohmann::json& input) {
  return json_request("POST", "/experimentTemplates", input);
}

ServiceRequest start_experiment_request(std::string_view client_token, std::string_view template_id,
                                        const std::map<std::string, std::string>& tags) {
  nlohmann::json body = {{"clientToken", client_token}, {"experimentTemplateId", template_id}};
  if (!tags.empty()) body["tags"] = tags;
  return json_request("POST", "/experiments", body);
}

ServiceRequest get_experiment_request(std::string_view experiment_id) {
  return json_request("GET", "/experiments/" + util::percent_encode(experiment_id), nullptr);
}

ServiceRequest delete_experiment_template_request(std::string_view template_id) {
  return json_request("DELETE", "/experimentTemplates/" + util::percent_encode(template_id), nullptr);
}

Result<std::string> parse_template_id(std::string_view body) {
  auto doc = object_of(body, "CreateExperimentTemplate");
  if (!doc) return unexpected(doc.error());
  auto tmpl = doc->find("experimentTemplate");
  std::string id = tmpl != doc->end() && tmpl->is_object() ? string_at(*tmpl, "id") : "";
  if (id.empty()) return unexpected(local_error("InvalidReply", "CreateExperimentTemplate returned no template id"));
  return id;
}

Result<Experiment> parse_experiment(std::string_view body) {
  auto doc = object_of(body, "the experiment call");
  if (!doc) return unexpected(doc.error());
  auto e = doc->find("experiment");
  if (e == doc->end() || !e->is_object() || string_at(*e, "id").empty())
    return unexpected(local_error("InvalidReply", "FIS returned no experiment"));
  Experiment out;
  out.id = string_at(*e, "id");
  out.template_id = string_at(*e, "experimentTemplateId");
  if (auto state = e->find("state"); state != e->end() && state->is_object()) {
    out.status = string_at(*state, "status");
    out.reason = string_at(*state, "reason");
  }
  return out;
}

Result<std::string> Client::call(const ServiceRequest& request) const {
  auto reply = m_service->send(request, protocol::parse_json_error);
  if (!reply) return unexpected(reply.error());
  return std::move(reply->body);
}

Result<std::string> Client::create_experiment_template(const nlohmann::json& input) const {
  auto body = call(create_experiment_template_request(input));
  if (!body) return unexpected(body.error());
  return parse_template_id(*body);
}

Result<Experiment> Client::start_experiment(std::string_view client_token, std::string_view template_id,
                                            const std::map<std::string, std::string>& tags) const {
  auto body = call(start_experiment_request(client_token, template_id, tags));
  if (!body) return unexpected(body.error());
  return parse_experiment(*body);
}

Result<Experiment> Client::get_experiment(std::string_view experiment_id) const {
  auto body = call(get_experiment_request(experiment_id));
  if (!body) return unexpected(body.error());
  return parse_experiment(*body);
}

Result<void> Client::delete_experiment_template(std::string_view template_id) const {
  auto body = call(delete_experiment_template_request(template_id));
  if (!body) return unexpected(body.error());
  return {};
}

}  // namespace spawn::aws::fis
