#include "spawn/aws/iam/client.hpp"

#include <pugixml.hpp>

#include "spawn/util/url.hpp"

namespace spawn::aws::iam {
namespace {

Params base(std::string_view action) { return {{"Action", std::string(action)}, {"Version", k_api_version}}; }

void add_tags(Params& p, const Tags& tags) {
  int n = 0;
  for (const auto& [k, v] : tags) {
    ++n;
    p.emplace_back("Tags.member." + std::to_string(n) + ".Key", k);
    p.emplace_back("Tags.member." + std::to_string(n) + ".Value", v);
  }
}

Error invalid_reply(std::string_view what) {
  return local_error("InvalidReply", "IAM sent an unexpected " + std::string(what) + " reply");
}

// IAM percent-encodes policy documents in its replies (RFC 3986, no '+' for spaces). A document
// that does not look encoded (some IAM-compatible services send it as it is) is kept.
std::string policy_text(std::string_view raw) {
  if (raw.find('%') == std::string_view::npos) return std::string(raw);
  return util::percent_decode(raw, false);
}

pugi::xml_node result_node(const pugi::xml_document& doc, std::string_view action) {
  const std::string response = std::string(action) + "Response";
  const std::string result = std::string(action) + "Result";
  return doc.child(response.c_str()).child(result.c_str());
}

}  // namespace

bool is_no_such_entity(const Error& e) { return e.code == "NoSuchEntity"; }
bool is_already_exists(const Error& e) { return e.code == "EntityAlreadyExists"; }

Params get_role_params(std::string_view role) {
  Params p = base("GetRole");
  p.emplace_back("RoleName", std::string(role));
  return p;
}

Params create_role_params(std::string_view role, std::string_view trust_policy, std::string_view description,
                          const Tags& tags) {
  Params p = base("CreateRole");
  p.emplace_back("RoleName", std::string(role));
  p.emplace_back("AssumeRolePolicyDocument", std::string(trust_policy));
  if (!description.empty()) p.emplace_back("Description", std::string(description));
  add_tags(p, tags);
  return p;
}

Params update_assume_role_policy_params(std::string_view role, std::string_view trust_policy) {
  Params p = base("UpdateAssumeRolePolicy");
  p.emplace_back("RoleName", std::string(role));
  p.emplace_back("PolicyDocument", std::string(trust_policy));
  return p;
}

Params get_role_policy_params(std::string_view role, std::string_view policy_name) {
  Params p = base("GetRolePolicy");
  p.emplace_back("RoleName", std::string(role));
  p.emplace_back("PolicyName", std::string(policy_name));
  return p;
}

Params put_role_policy_params(std::string_view role, std::string_view policy_name, std::string_view document) {
  Params p = base("PutRolePolicy");
  p.emplace_back("RoleName", std::string(role));
  p.emplace_back("PolicyName", std::string(policy_name));
  p.emplace_back("PolicyDocument", std::string(document));
  return p;
}

Params get_instance_profile_params(std::string_view profile) {
  Params p = base("GetInstanceProfile");
  p.emplace_back("InstanceProfileName", std::string(profile));
  return p;
}

Params create_instance_profile_params(std::string_view profile, const Tags& tags) {
  Params p = base("CreateInstanceProfile");
  p.emplace_back("InstanceProfileName", std::string(profile));
  add_tags(p, tags);
  return p;
}

Params add_role_to_instance_profile_params(std::string_view profile, std::string_view role) {
  Params p = base("AddRoleToInstanceProfile");
  p.emplace_back("InstanceProfileName", std::string(profile));
  p.emplace_back("RoleName", std::string(role));
  return p;
}

Params create_role_params(std::string_view role, std::string_view path, std::string_view trust_policy,
                          std::string_view description, const Tags& tags) {
  Params p = create_role_params(role, trust_policy, description, tags);
  if (path != "/") p.emplace_back("Path", std::string(path));
  return p;
}

Params create_instance_profile_params(std::string_view profile, std::string_view path, const Tags& tags) {
  Params p = create_instance_profile_params(profile, tags);
  if (path != "/") p.emplace_back("Path", std::string(path));
  return p;
}

namespace {
Params role_and(std::string_view action, std::string_view role) {
  Params p = base(action);
  p.emplace_back("RoleName", std::string(role));
  return p;
}
Params profile_and(std::string_view action, std::string_view profile) {
  Params p = base(action);
  p.emplace_back("InstanceProfileName", std::string(profile));
  return p;
}
}  // namespace

Params delete_role_policy_params(std::string_view role, std::string_view policy_name) {
  Params p = role_and("DeleteRolePolicy", role);
  p.emplace_back("PolicyName", std::string(policy_name));
  return p;
}

Params delete_role_params(std::string_view role) { return role_and("DeleteRole", role); }

Params remove_role_from_instance_profile_params(std::string_view profile, std::string_view role) {
  Params p = profile_and("RemoveRoleFromInstanceProfile", profile);
  p.emplace_back("RoleName", std::string(role));
  return p;
}

Params delete_instance_profile_params(std::string_view profile) { return profile_and("DeleteInstanceProfile", profile); }

Params list_roles_params(std::string_view path_prefix, std::string_view marker) {
  Params p = base("ListRoles");
  p.emplace_back("PathPrefix", std::string(path_prefix));
  if (!marker.empty()) p.emplace_back("Marker", std::string(marker));
  return p;
}

Result<std::pair<std::vector<Role>, std::string>> parse_list_roles_response(std::string_view xml) {
  pugi::xml_document doc;
  if (!doc.load_buffer(xml.data(), xml.size())) return unexpected(invalid_reply("ListRoles"));
  pugi::xml_node result = result_node(doc, "ListRoles");
  if (!result) return unexpected(invalid_reply("ListRoles"));
  std::vector<Role> roles;
  for (pugi::xml_node member : result.child("Roles").children("member")) {
    Role r{member.child_value("RoleName"), member.child_value("Arn"),
           policy_text(member.child_value("AssumeRolePolicyDocument"))};
    r.path = member.child_value("Path");
    r.create_date = member.child_value("CreateDate");
    roles.push_back(std::move(r));
  }
  const bool truncated = std::string_view(result.child_value("IsTruncated")) == "true";
  return std::make_pair(std::move(roles), truncated ? std::string(result.child_value("Marker")) : std::string());
}

Result<Role> parse_role_response(std::string_view xml) {
  pugi::xml_document doc;
  if (!doc.load_buffer(xml.data(), xml.size())) return unexpected(invalid_reply("role"));
  pugi::xml_node role = result_node(doc, "GetRole").child("Role");
  if (!role) role = result_node(doc, "CreateRole").child("Role");
  if (!role || !role.child("RoleName")) return unexpected(invalid_reply("role"));
  Role out{role.child_value("RoleName"), role.child_value("Arn"), policy_text(role.child_value("AssumeRolePolicyDocument"))};
  out.path = role.child_value("Path");
  out.create_date = role.child_value("CreateDate");
  return out;
}

Result<std::string> parse_role_policy_response(std::string_view xml) {
  pugi::xml_document doc;
  if (!doc.load_buffer(xml.data(), xml.size())) return unexpected(invalid_reply("GetRolePolicy"));
  pugi::xml_node result = result_node(doc, "GetRolePolicy");
  if (!result || !result.child("PolicyDocument")) return unexpected(invalid_reply("GetRolePolicy"));
  return policy_text(result.child_value("PolicyDocument"));
}

Result<InstanceProfile> parse_instance_profile_response(std::string_view xml) {
  pugi::xml_document doc;
  if (!doc.load_buffer(xml.data(), xml.size())) return unexpected(invalid_reply("instance profile"));
  pugi::xml_node profile = result_node(doc, "GetInstanceProfile").child("InstanceProfile");
  if (!profile) profile = result_node(doc, "CreateInstanceProfile").child("InstanceProfile");
  if (!profile || !profile.child("InstanceProfileName")) return unexpected(invalid_reply("instance profile"));
  InstanceProfile out{profile.child_value("InstanceProfileName"), profile.child_value("Arn"), {}};
  for (pugi::xml_node member : profile.child("Roles").children("member"))
    out.role_names.emplace_back(member.child_value("RoleName"));
  return out;
}

Result<std::string> Client::call(const Params& params) const {
  ServiceRequest req;
  req.method = "POST";
  req.headers.emplace_back("Content-Type", "application/x-www-form-urlencoded; charset=utf-8");
  req.body = util::form_encode(params);
  auto reply = m_service->send(req, protocol::parse_query_error);
  if (!reply) return unexpected(reply.error());
  return std::move(reply->body);
}

Result<Role> Client::get_role(std::string_view role) const {
  auto body = call(get_role_params(role));
  if (!body) return unexpected(body.error());
  return parse_role_response(*body);
}

Result<Role> Client::create_role(std::string_view role, std::string_view trust_policy, std::string_view description,
                                 const Tags& tags) const {
  auto body = call(create_role_params(role, trust_policy, description, tags));
  if (!body) return unexpected(body.error());
  return parse_role_response(*body);
}

Result<void> Client::update_assume_role_policy(std::string_view role, std::string_view trust_policy) const {
  auto body = call(update_assume_role_policy_params(role, trust_policy));
  if (!body) return unexpected(body.error());
  return {};
}

Result<std::string> Client::get_role_policy(std::string_view role, std::string_view policy_name) const {
  auto body = call(get_role_policy_params(role, policy_name));
  if (!body) return unexpected(body.error());
  return parse_role_policy_response(*body);
}

Result<void> Client::put_role_policy(std::string_view role, std::string_view policy_name,
                                     std::string_view document) const {
  auto body = call(put_role_policy_params(role, policy_name, document));
  if (!body) return unexpected(body.error());
  return {};
}

Result<InstanceProfile> Client::get_instance_profile(std::string_view profile) const {
  auto body = call(get_instance_profile_params(profile));
  if (!body) return unexpected(body.error());
  return parse_instance_profile_response(*body);
}

Result<InstanceProfile> Client::create_instance_profile(std::string_view profile, const Tags& tags) const {
  auto body = call(create_instance_profile_params(profile, tags));
  if (!body) return unexpected(body.error());
  return parse_instance_profile_response(*body);
}

Result<void> Client::add_role_to_instance_profile(std::string_view profile, std::string_view role) const {
  auto body = call(add_role_to_instance_profile_params(profile, role));
  if (!body) return unexpected(body.error());
  return {};
}

Result<Role> Client::create_role(std::string_view role, std::string_view path, std::string_view trust_policy,
                                 std::string_view description, const Tags& tags) const {
  auto body = call(create_role_params(role, path, trust_policy, description, tags));
  if (!body) return unexpected(body.error());
  return parse_role_response(*body);
}

Result<InstanceProfile> Client::create_instance_profile(std::string_view profile, std::string_view path,
                                                        const Tags& tags) const {
  auto body = call(create_instance_profile_params(profile, path, tags));
  if (!body) return unexpected(body.error());
  return parse_instance_profile_response(*body);
}

Result<void> Client::delete_role_policy(std::string_view role, std::string_view policy_name) const {
  auto body = call(delete_role_policy_params(role, policy_name));
  if (!body) return unexpected(body.error());
  return {};
}

Result<void> Client::delete_role(std::string_view role) const {
  auto body = call(delete_role_params(role));
  if (!body) return unexpected(body.error());
  return {};
}

Result<void> Client::remove_role_from_instance_profile(std::string_view profile, std::string_view role) const {
  auto body = call(remove_role_from_instance_profile_params(profile, role));
  if (!body) return unexpected(body.error());
  return {};
}

Result<void> Client::delete_instance_profile(std::string_view profile) const {
  auto body = call(delete_instance_profile_params(profile));
  if (!body) return unexpected(body.error());
  return {};
}

Result<std::vector<Role>> Client::list_roles(std::string_view path_prefix) const {
  std::vector<Role> all;
  std::string marker;
  do {
    auto body = call(list_roles_params(path_prefix, marker));
    if (!body) return unexpected(body.error());
    auto page = parse_list_roles_response(*body);
    if (!page) return unexpected(page.error());
    for (auto& r : page->first) all.push_back(std::move(r));
    marker = page->second;
  } while (!marker.empty());
  return all;
}

}  // namespace spawn::aws::iam
