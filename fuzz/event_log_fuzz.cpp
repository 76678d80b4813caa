// What `spawn history` reads from S3: the event log's objects (model/event_record: parse_event)
// and ListObjectsV2 pages (aws/s3/list_objects: parse_list_page). Invariants: no crash or
// sanitizer report; an event read back is written again (event_body) into one that reads back the
// same; a page that is truncated has its continuation token; every object listed has a key.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fuzz_check.hpp"
#include "spawn/aws/s3/list_objects.hpp"
#include "spawn/model/event_record.hpp"

using namespace spawn;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);

  if (auto event = model::parse_event(text)) {
    FUZZ_CHECK(!event->source.instance_id.empty());
    auto again = model::parse_event(model::event_body(*event));
    FUZZ_CHECK(again);
    FUZZ_CHECK(again->type == event->type && again->time == event->time);
    FUZZ_CHECK(again->source.instance_id == event->source.instance_id);
    if (event->type == model::EventType::interruption) FUZZ_CHECK(again->drill == event->drill);
    if (event->type == model::EventType::checkpoint || event->type == model::EventType::relaunch)
      FUZZ_CHECK(again->status == event->status);
    (void)model::event_key(*event, 0);
  } else {
    FUZZ_CHECK(!event.error().empty());
  }

  if (auto page = aws::s3::parse_list_page(text)) {
    FUZZ_CHECK(!page->truncated || !page->next_token.empty());
    for (const auto& o : page->objects) FUZZ_CHECK(!o.key.empty());
  } else {
    FUZZ_CHECK(page.error().code == "InvalidReply");
  }
  return 0;
}
