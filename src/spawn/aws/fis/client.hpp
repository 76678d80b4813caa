#pragma once
// AWS Fault Injection Service over rest-json (API 2020-12-01): the four calls a spot
// interruption drill needs (launcher/drill). Bodies are the model's camelCase JSON; errors come as
// {"message"} with the code in x-amzn-ErrorType (protocol::parse_json_error reads both).
#include <map>
#include <memory>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "spawn/aws/service_client.hpp"

namespace spawn::aws::fis {

struct Experiment {
  std::string id;
  std::string template_id;
  std::string status;  // pending | initiating | running | completed | stopping | stopped | failed | cancelled
  std::string reason;  // why it is in that state, when FIS says
};

// Request builders (pure): method, path and body of each call.
ServiceRequest create_experiment_template_request(const nlohmann::json& input);
ServiceRequest start_experiment_request(std::string_view client_token, std::string_view template_id,
                                        const std::map<std::string, std::string>& tags);
ServiceRequest get_experiment_request(std::string_view experiment_id);
ServiceRequest delete_experiment_template_request(std::string_view template_id);

// Reply parsers; "InvalidReply" when the body is not the reply the model describes.
Result<std::string> parse_template_id(std::string_view body);   // CreateExperimentTemplate
Result<Experiment> parse_experiment(std::string_view body);     // StartExperiment, GetExperiment

class Client {
 public:
  explicit Client(std::shared_ptr<ServiceClient> service) : m_service(std::move(service)) {}

  // input: a CreateExperimentTemplateRequest (clientToken included). The new template's id.
  Result<std::string> create_experiment_template(const nlohmann::json& input) const;
  Result<Experiment> start_experiment(std::string_view client_token, std::string_view template_id,
                                      const std::map<std::string, std::string>& tags) const;
  Result<Experiment> get_experiment(std::string_view experiment_id) const;
  Result<void> delete_experiment_template(std::string_view template_id) const;

 private:
  Result<std::string> call(const ServiceRequest& request) const;
  std::shared_ptr<ServiceClient> m_service;
};

}  // namespace spawn::aws::fis
