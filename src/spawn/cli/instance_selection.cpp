#include "spawn/cli/instance_selection.hpp"

#include <algorithm>

#include "spawn/model/job_array.hpp"
#include "spawn/model/tags.hpp"

namespace spawn::cli {

bool valid_instance_id(const std::string& id) {
  if (!id.starts_with("i-") || (id.size() != 10 && id.size() != 19)) return false;
  return id.find_first_not_of("0123456789abcdef", 2) == std::string::npos;
}

void InstanceSelection::add_options(CLI::App& app, const std::string& verb) {
  app.add_option("ids", ids, "instance ids");
  app.add_option("--name", name, "every live spawn instance with this Name tag");
  app.add_option("--job-array-name", job_array, "every live member of this job array");
  (void)verb;
}

std::string InstanceSelection::usage_error(const std::string& verb) const {
  const int selectors = (ids.empty() ? 0 : 1) + (name ? 1 : 0) + (job_array ? 1 : 0);
  if (selectors != 1) return "give instance ids, --name or --job-array-name (exactly one of them)";
  for (const auto& id : ids)
    if (!valid_instance_id(id)) return "expected instance ids like i-0abc1234def567890, got '" + id + "'";
  // An empty value would match nothing (or, to a lax filter, everything): never sent.
  if (name && name->empty()) return "--name: expected the Name of the instances to " + verb;
  if (job_array && job_array->empty()) return "--job-array-name: expected the name of a job array";
  return {};
}

aws::ec2::Filter name_filter(const std::string& name) {
  return {"tag:" + std::string(model::tag::k_name), model::name_tag_candidates(name)};
}

void keep_named(std::vector<aws::ec2::Instance>& instances, const std::string& name) {
  std::erase_if(instances, [&](const aws::ec2::Instance& i) { return i.name() != name; });
}

std::string InstanceSelection::describe() const {
  if (name) return "--name " + *name;
  if (job_array) return "--job-array-name " + *job_array;
  return "the ids given";
}

expected<std::vector<aws::ec2::Instance>, CommandFailure> find_selected(const aws::ec2::Client& ec2,
                                                                       const InstanceSelection& selection) {
  namespace tag = model::tag;
  std::vector<aws::ec2::Filter> filters{{"tag:" + std::string(tag::k_managed), {"true"}},
                                        {"instance-state-name", {"pending", "running", "stopping", "stopped"}}};
  if (selection.name) filters.push_back(name_filter(*selection.name));
  if (selection.job_array) filters.push_back({"tag:" + std::string(tag::k_job_array_name), {*selection.job_array}});
  auto found = ec2.describe_instances(filters, selection.ids);
  if (!found) return unexpected(CommandFailure{found.error(), {}, {}});
  if (selection.name) keep_named(*found, *selection.name);
  for (const auto& id : selection.ids)
    if (std::none_of(found->begin(), found->end(), [&](const auto& i) { return i.instance_id == id; }))
      return unexpected(CommandFailure{std::nullopt,
                                       id + " is not a live instance launched by spawn (spawn only acts on what it "
                                            "launched)",
                                       {}});
  if (found->empty())
    return unexpected(CommandFailure{std::nullopt, "no live spawn instance matches " + selection.describe(), {}});
  return std::move(*found);
}

}  // namespace spawn::cli
