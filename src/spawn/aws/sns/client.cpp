#include "spawn/aws/sns/client.hpp"

#include <pugixml.hpp>

#include "spawn/util/url.hpp"

namespace spawn::aws::sns {

std::optional<std::string> topic_region(std::string_view arn) {
  // arn : partition : sns : region : account : name
  std::vector<std::string_view> parts;
  size_t start = 0;
  for (int i = 0; i < 5; ++i) {
    size_t colon = arn.find(':', start);
    if (colon == std::string_view::npos) return std::nullopt;
    parts.push_back(arn.substr(start, colon - start));
    start = colon + 1;
  }
  std::string_view name = arn.substr(start);
  if (parts[0] != "arn" || parts[1].empty() || parts[2] != "sns" || parts[3].empty() || parts[4].empty() ||
      name.empty() || name.find(':') != std::string_view::npos)
    return std::nullopt;
  return std::string(parts[3]);
}

std::vector<std::pair<std::string, std::string>> publish_params(std::string_view topic_arn, std::string_view message,
                                                                std::string_view subject) {
  std::vector<std::pair<std::string, std::string>> p = {
      {"Action", "Publish"}, {"Version", k_api_version}, {"TopicArn", std::string(topic_arn)},
      {"Message", std::string(message)}};
  if (!subject.empty()) p.emplace_back("Subject", std::string(subject));
  return p;
}

Result<std::string> parse_publish_response(std::string_view xml) {
  pugi::xml_document doc;
  if (!doc.load_buffer(xml.data(), xml.size()))
    return unexpected(local_error("InvalidReply", "SNS sent a Publish reply that is not XML"));
  pugi::xml_node result = doc.child("PublishResponse").child("PublishResult");
  if (!result) return unexpected(local_error("InvalidReply", "SNS sent an unexpected Publish reply"));
  return std::string(result.child_value("MessageId"));
}

std::string clean_subject(std::string_view subject) {
  std::string out;
  for (char c : subject) {
    if (out.size() >= 100) break;
    unsigned char u = static_cast<unsigned char>(c);
    if (c == '\n' || c == '\r' || c == '\t') out.push_back(' ');
    else if (u < 0x20 || u > 0x7e) out.push_back('?');
    else out.push_back(c);
  }
  return out;
}

Result<std::string> Client::publish(std::string_view topic_arn, std::string_view message,
                                    std::string_view subject) const {
  ServiceRequest req;
  req.method = "POST";
  req.headers.emplace_back("Content-Type", "application/x-www-form-urlencoded; charset=utf-8");
  req.body = util::form_encode(publish_params(topic_arn, message, subject));
  auto reply = m_service->send(req, protocol::parse_query_error);
  if (!reply) return unexpected(reply.error());
  return parse_publish_response(reply->body);
}

}  // namespace spawn::aws::sns
