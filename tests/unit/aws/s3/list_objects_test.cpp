// ListObjectsV2: the query it sends and the pages it reads.
#include "spawn/aws/s3/list_objects.hpp"

#include <gtest/gtest.h>

namespace spawn::aws::s3 {
namespace {

TEST(ListObjects, QueryHasListType2AndTheMembersSet) {
  ListRequest r;
  EXPECT_EQ(list_query(r), (std::vector<std::pair<std::string, std::string>>{{"list-type", "2"}}));
  r.prefix = "spawn/events/";
  r.delimiter = "/";
  r.start_after = "spawn/events/region=us-east-1/day=2026-11-04";
  r.continuation_token = "tok";
  r.max_keys = 10;
  EXPECT_EQ(list_query(r), (std::vector<std::pair<std::string, std::string>>{
                               {"list-type", "2"},
                               {"prefix", "spawn/events/"},
                               {"delimiter", "/"},
                               {"start-after", "spawn/events/region=us-east-1/day=2026-11-04"},
                               {"continuation-token", "tok"},
                               {"max-keys", "10"}}));
}

TEST(ListObjects, PageWithObjectsPrefixesAndAToken) {
  auto page = parse_list_page(R"(<?xml version="1.0" encoding="UTF-8"?>
<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
  <Name>b</Name><Prefix>spawn/events/</Prefix><KeyCount>2</KeyCount><MaxKeys>2</MaxKeys>
  <IsTruncated>true</IsTruncated><NextContinuationToken>next+1</NextContinuationToken>
  <Contents><Key>spawn/events/a.json</Key><LastModified>2026-12-04T10:00:00.000Z</LastModified>
    <ETag>&quot;abc&quot;</ETag><Size>321</Size><StorageClass>STANDARD</StorageClass></Contents>
  <Contents><Key>spawn/events/b.json</Key><Size>5</Size></Contents>
  <CommonPrefixes><Prefix>spawn/events/region=us-east-1/</Prefix></CommonPrefixes>
</ListBucketResult>)");
  ASSERT_TRUE(page) << page.error().describe();
  ASSERT_EQ(page->objects.size(), 2u);
  EXPECT_EQ(page->objects[0].key, "spawn/events/a.json");
  EXPECT_EQ(page->objects[0].size, 321u);
  EXPECT_EQ(page->objects[0].etag, "\"abc\"");
  EXPECT_EQ(page->common_prefixes, std::vector<std::string>{"spawn/events/region=us-east-1/"});
  EXPECT_TRUE(page->truncated);
  EXPECT_EQ(page->next_token, "next+1");
}

TEST(ListObjects, EmptyLastPage) {
  auto page = parse_list_page("<ListBucketResult><KeyCount>0</KeyCount><IsTruncated>false</IsTruncated></ListBucketResult>");
  ASSERT_TRUE(page);
  EXPECT_TRUE(page->objects.empty());
  EXPECT_FALSE(page->truncated);
}

TEST(ListObjects, BadRepliesAreInvalidReply) {
  for (const char* bad : {"", "not xml", "<Error><Code>x</Code></Error>",
                          "<ListBucketResult><IsTruncated>true</IsTruncated></ListBucketResult>"}) {
    auto page = parse_list_page(bad);
    ASSERT_FALSE(page) << bad;
    EXPECT_EQ(page.error().code, "InvalidReply");
  }
}

}  // namespace
}  // namespace spawn::aws::s3
