// EC2 reply parsing throughput: `spawn list` over thousands of instances and the reply of a
// large job-array launch.
#include <benchmark/benchmark.h>

#include <string>

#include "ec2_replies.hpp"
#include "spawn/aws/ec2/parsers.hpp"

namespace {

using namespace spawn::aws::ec2;

// One DescribeInstances page of state.range(0) instances in reservations of 50.
void BM_ParseDescribeInstances(benchmark::State& state) {
  const int count = static_cast<int>(state.range(0));
  const std::string xml = spawn::bench::describe_instances_page(count, 50);
  for (auto _ : state) {
    auto page = parse_describe_instances(xml);
    if (!page || page->instances.size() != static_cast<size_t>(count)) state.SkipWithError("wrong parse");
    benchmark::DoNotOptimize(page);
  }
  state.SetItemsProcessed(state.iterations() * count);
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(xml.size()));
  state.counters["reply_KiB"] = static_cast<double>(xml.size()) / 1024.0;
}
BENCHMARK(BM_ParseDescribeInstances)->Arg(100)->Arg(1000)->Unit(benchmark::kMillisecond);

// The RunInstances reply of one 500-member job array (sorted into launch-index order).
void BM_ParseRunInstances(benchmark::State& state) {
  const int count = static_cast<int>(state.range(0));
  const std::string xml = spawn::bench::run_instances_reply(count);
  for (auto _ : state) {
    auto reservation = parse_run_instances(xml);
    if (!reservation || reservation->instances.size() != static_cast<size_t>(count)) state.SkipWithError("wrong parse");
    benchmark::DoNotOptimize(reservation);
  }
  state.SetItemsProcessed(state.iterations() * count);
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(xml.size()));
}
BENCHMARK(BM_ParseRunInstances)->Arg(500)->Unit(benchmark::kMillisecond);

}  // namespace
