#pragma once
// Who a job-array member is: its index and its name, from its tags (pure).
//
// The members of one RunInstances share every tag: spawn tags them with the index of the first
// (spawn:job-array-index-base) and each member's index is that plus its ami-launch-index (its
// place in the launch, which EC2 gives in DescribeInstances and in the metadata service). One
// launch call then indexes the whole array, where a tag per member would cost a CreateTags each
// (500 of them for a 500-member array, a minute of the account's shared rate-limit bucket).
// Members that have their own spawn:job-array-index tag (a fleet's, whose pools each number
// their instances from 0; a replacement launched alone) are known by it.
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace spawn::model {

using TagMap = std::map<std::string, std::string>;

// A non-negative decimal as written in a tag or the metadata service ("7"); nullopt otherwise.
std::optional<int> parse_index(std::string_view text);

// Its own spawn:job-array-index, else spawn:job-array-index-base + ami_launch_index; nullopt for
// an instance of no array, or with tags that are not numbers.
std::optional<int> job_array_index(const TagMap& tags, std::optional<int> ami_launch_index);

// The name spawn shows: the Name tag of a member with its own index tag (spawn wrote NAME-K
// there), "NAME-K" for a member of a shared-tag launch (the Name tag is the array's), the Name
// tag otherwise; "" without one.
std::string member_name(const TagMap& tags, std::optional<int> ami_launch_index);

// The Name tag values an instance shown as `name` can have: the name itself and, for NAME-K,
// NAME (a member of a shared-tag launch). For a tag filter; member_name then decides.
std::vector<std::string> name_tag_candidates(const std::string& name);

}  // namespace spawn::model
