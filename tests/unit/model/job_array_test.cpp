#include "spawn/model/job_array.hpp"

#include <gtest/gtest.h>

#include "spawn/model/tags.hpp"

namespace spawn::model {
namespace {

TagMap shared(const std::string& base) {
  return {{tag::k_job_array_id, "ja-1"}, {tag::k_name, "train"}, {tag::k_job_array_index_base, base}};
}

TEST(JobArrayIndexTest, SharedLaunchMembersAreBasePlusTheirPlaceInTheLaunch) {
  EXPECT_EQ(job_array_index(shared("0"), 0), 0);
  EXPECT_EQ(job_array_index(shared("0"), 7), 7);
  EXPECT_EQ(job_array_index(shared("6"), 1), 7);  // the second launch of an array starting at 6
}

TEST(JobArrayIndexTest, AnOwnIndexTagWins) {
  TagMap t = shared("0");
  t[tag::k_job_array_index] = "3";
  EXPECT_EQ(job_array_index(t, 0), 3);  // a replacement launched alone: its ami-launch-index is 0
  EXPECT_EQ(job_array_index(t, std::nullopt), 3);
}

TEST(JobArrayIndexTest, NoIndexWithoutArrayOrWithoutTheLaunchPlace) {
  EXPECT_EQ(job_array_index({{tag::k_name, "web"}}, 0), std::nullopt);
  EXPECT_EQ(job_array_index(shared("0"), std::nullopt), std::nullopt);
  EXPECT_EQ(job_array_index({{tag::k_job_array_id, "ja-1"}}, 2), std::nullopt);  // neither tag yet
}

TEST(JobArrayIndexTest, TagsThatAreNotIndicesGiveNone) {
  EXPECT_EQ(job_array_index(shared("x"), 1), std::nullopt);
  EXPECT_EQ(job_array_index(shared("-1"), 1), std::nullopt);
  EXPECT_EQ(job_array_index(shared("1 "), 1), std::nullopt);
  EXPECT_EQ(job_array_index(shared("0"), -1), std::nullopt);
  TagMap t{{tag::k_job_array_id, "ja-1"}, {tag::k_job_array_index, "2a"}};
  EXPECT_EQ(job_array_index(t, 0), std::nullopt);
}

TEST(JobArrayIndexTest, ParseIndexTakesPlainNonNegativeDecimalsOnly) {
  EXPECT_EQ(parse_index("0"), 0);
  EXPECT_EQ(parse_index("1007"), 1007);
  for (const char* bad : {"", "-1", " 1", "1 ", "1e3", "x", "99999999999"}) EXPECT_EQ(parse_index(bad), std::nullopt) << bad;
}

TEST(MemberNameTest, SharedLaunchMembersAreNamedByIndex) {
  EXPECT_EQ(member_name(shared("0"), 4), "train-4");
  EXPECT_EQ(member_name(shared("0"), std::nullopt), "train");  // its place unknown: the array's name
}

TEST(MemberNameTest, OwnNameTagAsWritten) {
  TagMap t = shared("0");
  t[tag::k_job_array_index] = "3";
  t[tag::k_name] = "train-3";
  EXPECT_EQ(member_name(t, 0), "train-3");
  EXPECT_EQ(member_name({{tag::k_name, "web"}}, 0), "web");
  EXPECT_EQ(member_name({}, 0), "");
}

TEST(NameTagCandidatesTest, AnIndexedNameMayBeAnArrayMember) {
  EXPECT_EQ(name_tag_candidates("train-12"), (std::vector<std::string>{"train-12", "train"}));
  EXPECT_EQ(name_tag_candidates("my-web"), std::vector<std::string>{"my-web"});
  EXPECT_EQ(name_tag_candidates("web"), std::vector<std::string>{"web"});
  EXPECT_EQ(name_tag_candidates("-3"), std::vector<std::string>{"-3"});
  EXPECT_EQ(name_tag_candidates("train-"), std::vector<std::string>{"train-"});
}

}  // namespace
}  // namespace spawn::model
