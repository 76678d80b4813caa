#pragma once
// IAM over the query protocol (POST form, API version 2010-05-08, XML replies): the few calls
// spawn needs to keep one role and instance profile for spored (launcher/spored_role).
// IAM is global: one endpoint per partition, signed for one region of it
// (config::iam_endpoint: https://iam.amazonaws.com for us-east-1, https://iam.us-gov.amazonaws.com
// for us-gov-west-1, https://iam.cn-north-1.amazonaws.com.cn for cn-north-1).
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "spawn/aws/service_client.hpp"

namespace spawn::aws::iam {

inline constexpr const char* k_api_version = "2010-05-08";

using Params = std::vector<std::pair<std::string, std::string>>;
using Tags = std::map<std::string, std::string>;

struct Role {
  std::string name;
  std::string arn;
  std::string assume_role_policy;  // the trust policy, JSON text (IAM sends it percent-encoded)
  std::string path = "/";
  std::string create_date;         // ISO 8601 as IAM gives it
};

struct InstanceProfile {
  std::string name;
  std::string arn;
  std::vector<std::string> role_names;  // at most one on AWS
};

// True for IAM's "not there" error (NoSuchEntity, HTTP 404).
bool is_no_such_entity(const Error& e);
// True for "already there" (EntityAlreadyExists, HTTP 409): a concurrent spawn made it first.
bool is_already_exists(const Error& e);

// Request builders (form fields, Action and Version included).
Params get_role_params(std::string_view role);
Params create_role_params(std::string_view role, std::string_view trust_policy, std::string_view description,
                          const Tags& tags);
Params update_assume_role_policy_params(std::string_view role, std::string_view trust_policy);
Params get_role_policy_params(std::string_view role, std::string_view policy_name);
Params put_role_policy_params(std::string_view role, std::string_view policy_name, std::string_view document);
Params get_instance_profile_params(std::string_view profile);
Params create_instance_profile_params(std::string_view profile, const Tags& tags);
Params add_role_to_instance_profile_params(std::string_view profile, std::string_view role);
// The same with a Path ("/spawn/": spawn's own roles and profiles, listed by ListRoles PathPrefix).
Params create_role_params(std::string_view role, std::string_view path, std::string_view trust_policy,
                          std::string_view description, const Tags& tags);
Params create_instance_profile_params(std::string_view profile, std::string_view path, const Tags& tags);
Params delete_role_policy_params(std::string_view role, std::string_view policy_name);
Params delete_role_params(std::string_view role);
Params remove_role_from_instance_profile_params(std::string_view profile, std::string_view role);
Params delete_instance_profile_params(std::string_view profile);
Params list_roles_params(std::string_view path_prefix, std::string_view marker);
// ListRoles: the roles of one page and the marker of the next ("" on the last page).
Result<std::pair<std::vector<Role>, std::string>> parse_list_roles_response(std::string_view xml);

// Reply parsers; an error with code "InvalidReply" when the XML is not the expected reply.
// Policy documents come back percent-encoded (RFC 3986) and are returned decoded.
Result<Role> parse_role_response(std::string_view xml);                 // GetRole, CreateRole
Result<std::string> parse_role_policy_response(std::string_view xml);   // GetRolePolicy: the document
Result<InstanceProfile> parse_instance_profile_response(std::string_view xml);  // Get/CreateInstanceProfile

class Client {
 public:
  // service: a ServiceClient for IAM (its global endpoint, signed for config::iam_endpoint()'s region).
  explicit Client(std::shared_ptr<ServiceClient> service) : m_service(std::move(service)) {}

  // Each returns what IAM answered, or its error (NoSuchEntity, EntityAlreadyExists,
  // MalformedPolicyDocument, LimitExceeded, AccessDenied ...) or "InvalidReply".
  Result<Role> get_role(std::string_view role) const;
  Result<Role> create_role(std::string_view role, std::string_view trust_policy, std::string_view description,
                           const Tags& tags) const;
  Result<void> update_assume_role_policy(std::string_view role, std::string_view trust_policy) const;
  Result<std::string> get_role_policy(std::string_view role, std::string_view policy_name) const;
  Result<void> put_role_policy(std::string_view role, std::string_view policy_name, std::string_view document) const;
  Result<InstanceProfile> get_instance_profile(std::string_view profile) const;
  Result<InstanceProfile> create_instance_profile(std::string_view profile, const Tags& tags) const;
  Result<void> add_role_to_instance_profile(std::string_view profile, std::string_view role) const;
  Result<Role> create_role(std::string_view role, std::string_view path, std::string_view trust_policy,
                           std::string_view description, const Tags& tags) const;
  Result<InstanceProfile> create_instance_profile(std::string_view profile, std::string_view path,
                                                  const Tags& tags) const;
  Result<void> delete_role_policy(std::string_view role, std::string_view policy_name) const;
  Result<void> delete_role(std::string_view role) const;
  Result<void> remove_role_from_instance_profile(std::string_view profile, std::string_view role) const;
  Result<void> delete_instance_profile(std::string_view profile) const;
  // Every page of ListRoles under path_prefix.
  Result<std::vector<Role>> list_roles(std::string_view path_prefix) const;

 private:
  Result<std::string> call(const Params& params) const;
  std::shared_ptr<ServiceClient> m_service;
};

}  // namespace spawn::aws::iam
