#include "spawn/aws/protocol/errors.hpp"

#include <nlohmann/json.hpp>
#include <pugixml.hpp>

namespace spawn::aws::protocol {
namespace {

// The reply had no usable body: name the status at least.
Error from_status(const http::Response& r, std::string request_id) {
  std::string code = r.status == 403 ? "AccessDenied"
                     : r.status == 404 ? "NotFound"
                     : r.status == 503 ? "ServiceUnavailable"
                     : r.status >= 500 ? "InternalError"
                                       : "HttpError";
  return Error{r.status, code, "HTTP " + std::to_string(r.status) + " from AWS", std::move(request_id)};
}

std::string header_request_id(const http::Response& r) {
  for (const char* name : {"x-amzn-RequestId", "x-amz-request-id", "x-amzn-requestid"}) {
    auto v = r.header(name);
    if (!v.empty()) return v;
  }
  return {};
}

}  // namespace

Error parse_query_error(const http::Response& r) {
  pugi::xml_document doc;
  if (!doc.load_buffer(r.body.data(), r.body.size())) return from_status(r, header_request_id(r));
  pugi::xml_node root = doc.document_element();
  pugi::xml_node error = root.child("Errors").child("Error");  // EC2
  if (!error) error = root.child("Error");                     // SNS, STS, IAM
  std::string request_id = root.child_value("RequestID");
  if (request_id.empty()) request_id = root.child_value("RequestId");
  if (request_id.empty()) request_id = header_request_id(r);
  // An error element without a code (a truncated or foreign reply) is named by the status, like a
  // body that is not XML: an empty code would match no retry rule and print as "()".
  std::string code = error.child_value("Code");
  if (code.empty()) return from_status(r, request_id);
  return Error{r.status, std::move(code), error.child_value("Message"), request_id};
}

Error parse_json_error(const http::Response& r) {
  auto doc = nlohmann::json::parse(r.body, nullptr, false);
  std::string request_id = header_request_id(r);
  std::string code = r.header("x-amzn-ErrorType");
  std::string message;
  if (doc.is_object()) {
    if (doc.contains("__type") && doc["__type"].is_string()) code = doc["__type"].get<std::string>();
    for (const char* key : {"message", "Message", "errorMessage"})
      if (doc.contains(key) && doc[key].is_string()) message = doc[key].get<std::string>();
  }
  if (auto hash = code.rfind('#'); hash != std::string::npos) code = code.substr(hash + 1);
  if (auto colon = code.find(':'); colon != std::string::npos) code = code.substr(0, colon);
  if (code.empty()) return from_status(r, request_id);
  return Error{r.status, code, message, request_id};
}

Error parse_rest_xml_error(const http::Response& r) {
  pugi::xml_document doc;
  std::string request_id = header_request_id(r);
  if (r.body.empty() || !doc.load_buffer(r.body.data(), r.body.size())) return from_status(r, request_id);
  pugi::xml_node error = doc.child("Error");
  std::string id = error.child_value("RequestId");
  if (!id.empty()) request_id = id;
  std::string code = error.child_value("Code");
  if (code.empty()) return from_status(r, request_id);
  return Error{r.status, std::move(code), error.child_value("Message"), request_id};
}

}  // namespace spawn::aws::protocol
