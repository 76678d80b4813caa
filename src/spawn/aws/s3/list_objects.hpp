#pragma once
// ListObjectsV2 (GET /?list-type=2): the request's query and the reply's parser, pure. The
// client sends it (s3/client.hpp); `spawn history` lists the event log's day partitions with it.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "spawn/aws/error.hpp"

namespace spawn::aws::s3 {

struct ListRequest {
  std::string prefix;
  std::string delimiter;           // "/": the next level as common prefixes
  std::string start_after;         // keys after this one only (a day partition and later)
  std::string continuation_token;  // the previous page's next_token
  std::optional<int> max_keys;     // 1..1000; S3's default is 1000
};

struct ListedObject {
  std::string key;
  std::uint64_t size = 0;
  std::string etag;
};

struct ListPage {
  std::vector<ListedObject> objects;
  std::vector<std::string> common_prefixes;
  bool truncated = false;
  std::string next_token;  // set when truncated
};

// The query parameters (decoded) of the request: list-type=2 and the members set.
std::vector<std::pair<std::string, std::string>> list_query(const ListRequest& request);

// The ListBucketResult document; InvalidReply when it is not one, or says it is truncated
// without a continuation token (a listing that could never end).
Result<ListPage> parse_list_page(std::string_view xml);

}  // namespace spawn::aws::s3
