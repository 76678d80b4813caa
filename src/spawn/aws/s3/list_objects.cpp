#include "spawn/aws/s3/list_objects.hpp"

#include "spawn/aws/protocol/errors.hpp"
#include "spawn/aws/s3/client.hpp"

#include <pugixml.hpp>

#include <charconv>

namespace spawn::aws::s3 {

std::vector<std::pair<std::string, std::string>> list_query(const ListRequest& r) {
  std::vector<std::pair<std::string, std::string>> q{{"list-type", "2"}};
  if (!r.prefix.empty()) q.emplace_back("prefix", r.prefix);
  if (!r.delimiter.empty()) q.emplace_back("delimiter", r.delimiter);
  if (!r.start_after.empty()) q.emplace_back("start-after", r.start_after);
  if (!r.continuation_token.empty()) q.emplace_back("continuation-token", r.continuation_token);
  if (r.max_keys) q.emplace_back("max-keys", std::to_string(*r.max_keys));
  return q;
}

Result<ListPage> parse_list_page(std::string_view xml) {
  pugi::xml_document doc;
  if (!doc.load_buffer(xml.data(), xml.size()))
    return unexpected(local_error("InvalidReply", "S3 sent a listing that is not XML"));
  pugi::xml_node root = doc.child("ListBucketResult");
  if (!root) return unexpected(local_error("InvalidReply", "S3 sent an unexpected reply (expected ListBucketResult)"));
  ListPage page;
  for (pugi::xml_node c = root.child("Contents"); c; c = c.next_sibling("Contents")) {
    ListedObject o;
    o.key = c.child_value("Key");
    const std::string_view size = c.child_value("Size");
    std::from_chars(size.data(), size.data() + size.size(), o.size);
    o.etag = c.child_value("ETag");
    if (!o.key.empty()) page.objects.push_back(std::move(o));
  }
  for (pugi::xml_node p = root.child("CommonPrefixes"); p; p = p.next_sibling("CommonPrefixes"))
    if (std::string prefix = p.child_value("Prefix"); !prefix.empty()) page.common_prefixes.push_back(prefix);
  page.truncated = std::string_view(root.child_value("IsTruncated")) == "true";
  page.next_token = root.child_value("NextContinuationToken");
  if (page.truncated && page.next_token.empty())
    return unexpected(local_error("InvalidReply", "S3 said the listing goes on but gave no continuation token"));
  return page;
}

// Here rather than in client.cpp: spored links the client and never lists.
Result<ListPage> Client::list_objects(const ListRequest& request) const {
  ServiceRequest req;
  req.method = "GET";
  req.path = "/";
  req.query = list_query(request);
  auto reply = m_service->send(req, protocol::parse_rest_xml_error);
  if (!reply) return unexpected(reply.error());
  return parse_list_page(reply->body);
}

}  // namespace spawn::aws::s3
