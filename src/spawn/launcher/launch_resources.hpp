#pragma once
// What a launch leaves in the account beside its instances, and its removal: the launch's IAM
// role and instance profile (launcher/spored_role) and its objects in spawn's bucket (the spec,
// launcher/launch_spec). They live as long as the launch's instances: `spawn terminate` removes
// them once a launch has no instance left, and every launch first sweeps those of launches whose
// instances are gone by other means (the console, an interruption, spored's TTL), so nothing of
// spawn's piles up in the account.
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "spawn/aws/ec2/client.hpp"
#include "spawn/aws/iam/client.hpp"
#include "spawn/aws/s3/client.hpp"

namespace spawn::launcher {

struct ResourceClients {
  const aws::ec2::Client& ec2;
  const aws::iam::Client& iam;
  const aws::s3::Client* bucket = nullptr;  // spawn's bucket; nullptr when spawn knows none
};

// Of these launches, those with no instance that is not terminated or shutting down (one
// DescribeInstances per 100 ids, filtered by spawn:launch-id). Order kept.
aws::Result<std::vector<std::string>> launches_without_instances(const aws::ec2::Client& ec2,
                                                                 const std::vector<std::string>& launch_ids);

// Deletes the launch's role and profile and its spec object. Each step tolerates "already gone";
// the first error otherwise (the rest is still tried).
aws::Result<void> delete_launch_resources(const ResourceClients& clients, const std::string& launch_id);

// How old a role must be before a sweep may take it: a launch in progress (another spawn,
// elsewhere) has its role before its instances.
inline constexpr std::chrono::minutes k_sweep_grace{15};

struct SweepResult {
  std::vector<std::string> removed;  // launch ids whose role, profile and spec are gone
  size_t remaining = 0;              // launch roles still there afterwards
  std::vector<std::string> errors;   // one line each; a sweep never stops a launch
};

// Removes the resources of every launch whose role is older than k_sweep_grace and has no
// instance left. now: for the grace.
SweepResult sweep_finished_launches(const ResourceClients& clients, std::chrono::system_clock::time_point now);

}  // namespace spawn::launcher
