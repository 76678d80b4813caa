// The EC2 query reply parsers (aws/ec2/parsers.hpp) on arbitrary bytes: every input is given to
// each parser (each checks its own root element). Invariants: no crash or sanitizer report, an
// error is always "InvalidReply", RunInstances instances come back in launch-index order, and
// DescribeInstances parsed in place (what spawn list uses) reads exactly what the copying parser reads.
// The maintain fleet parsers of spawn pool (aws/ec2/maintain_fleet.hpp) too: errors are InvalidReply.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz_check.hpp"
#include "spawn/aws/ec2/maintain_fleet.hpp"
#include "spawn/aws/ec2/parsers.hpp"

using namespace spawn::aws::ec2;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view xml(reinterpret_cast<const char*>(data), size);

  if (auto r = parse_run_instances(xml)) {
    for (size_t i = 1; i < r->instances.size(); ++i)
      FUZZ_CHECK(r->instances[i - 1].ami_launch_index <= r->instances[i].ami_launch_index);
    for (const auto& i : r->instances) FUZZ_CHECK(i.lifecycle == "spot" || !i.lifecycle.empty());
  } else {
    FUZZ_CHECK(r.error().code == "InvalidReply");
  }

  if (auto r = parse_describe_instances(xml)) {
    for (const auto& i : r->instances) FUZZ_CHECK(!i.lifecycle.empty());
  } else {
    FUZZ_CHECK(r.error().code == "InvalidReply");
  }
  {
    auto copied = parse_describe_instances(xml);
    std::string buffer(xml);
    auto in_place = parse_describe_instances_in_place(buffer);
    FUZZ_CHECK(copied.has_value() == in_place.has_value());
    if (copied && in_place) {
      FUZZ_CHECK(copied->next_token == in_place->next_token);
      FUZZ_CHECK(copied->instances.size() == in_place->instances.size());
      for (size_t i = 0; i < copied->instances.size(); ++i) {
        const auto& a = copied->instances[i];
        const auto& b = in_place->instances[i];
        FUZZ_CHECK(a.instance_id == b.instance_id && a.instance_type == b.instance_type && a.state == b.state &&
                   a.availability_zone == b.availability_zone && a.lifecycle == b.lifecycle &&
                   a.launch_time == b.launch_time && a.tags == b.tags && a.ami_launch_index == b.ami_launch_index);
      }
    }
  }

  if (auto r = parse_terminate_instances(xml); !r) FUZZ_CHECK(r.error().code == "InvalidReply");

  if (auto r = parse_describe_instance_types(xml); !r) FUZZ_CHECK(r.error().code == "InvalidReply");

  if (auto r = parse_create_fleet(xml); !r) FUZZ_CHECK(r.error().code == "InvalidReply");
  if (auto r = parse_modify_fleet(xml); !r) FUZZ_CHECK(r.error().code == "InvalidReply");
  if (auto r = parse_delete_fleets(xml)) {
    for (const auto& d : *r) FUZZ_CHECK(!d.deleted || d.error_code.empty());
  } else {
    FUZZ_CHECK(r.error().code == "InvalidReply");
  }
  if (auto r = parse_describe_fleets(xml); !r) FUZZ_CHECK(r.error().code == "InvalidReply");
  if (auto r = parse_describe_fleet_instances(xml); !r) FUZZ_CHECK(r.error().code == "InvalidReply");
  if (auto r = parse_describe_fleet_history(xml); !r) FUZZ_CHECK(r.error().code == "InvalidReply");
  return 0;
}
