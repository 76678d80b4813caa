#pragma once
// SNS over the query protocol (POST form, API version 2010-03-31, XML replies): Publish only,
// which is all spored needs to tell the owner about an interruption.
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "spawn/aws/service_client.hpp"

namespace spawn::aws::sns {

inline constexpr const char* k_api_version = "2010-03-31";

// The region of a topic ARN "arn:<partition>:sns:<region>:<account>:<name>"; nullopt when text
// is not a topic ARN. Publish must go to the topic's own region.
std::optional<std::string> topic_region(std::string_view topic_arn);

// The form fields of Publish (Action, Version, TopicArn, Message, and Subject when not empty).
std::vector<std::pair<std::string, std::string>> publish_params(std::string_view topic_arn, std::string_view message,
                                                                std::string_view subject);

// The MessageId of a <PublishResponse>; an error with code "InvalidReply" when the XML is not one.
Result<std::string> parse_publish_response(std::string_view xml);

// A subject SNS accepts: ASCII printable characters only (others become '?'), no line breaks,
// at most 100 characters.
std::string clean_subject(std::string_view subject);

class Client {
 public:
  // service: a ServiceClient for SNS in the topic's region.
  explicit Client(std::shared_ptr<ServiceClient> service) : m_service(std::move(service)) {}

  // Publish; the MessageId on success. Errors as ServiceClient::send (parsed query errors:
  // NotFound, AuthorizationError, InvalidParameter ...) or "InvalidReply".
  Result<std::string> publish(std::string_view topic_arn, std::string_view message, std::string_view subject = {}) const;

 private:
  std::shared_ptr<ServiceClient> m_service;
};

}  // namespace spawn::aws::sns
