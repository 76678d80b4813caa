// SigV4 signing throughput: what every AWS call spawn makes pays once per attempt.
#include <benchmark/benchmark.h>

#include <chrono>
#include <string>

#include "spawn/aws/auth/sigv4.hpp"
#include "spawn/util/url.hpp"

namespace {

using namespace spawn::aws::auth;

SigningParams ec2_params() {
  SigningParams p;
  p.service = "ec2";
  p.region = "us-east-1";
  p.credentials.access_key_id = "AKIDEXAMPLE";
  p.credentials.secret_access_key = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
  p.credentials.session_token = "IQoJb3JpZ2luX2VjEXAMPLETOKEN" + std::string(600, 'x');  // instance roles have one
  p.time = std::chrono::system_clock::time_point(std::chrono::seconds(1795773600));
  return p;
}

// The form body of `spawn list`'s DescribeInstances (filters, MaxResults).
std::string describe_instances_body() {
  return spawn::util::form_encode({{"Action", "DescribeInstances"},
                                   {"Version", "2016-11-15"},
                                   {"Filter.1.Name", "tag:spawn:managed"},
                                   {"Filter.1.Value.1", "true"},
                                   {"Filter.2.Name", "instance-state-name"},
                                   {"Filter.2.Value.1", "pending"},
                                   {"Filter.2.Value.2", "running"},
                                   {"Filter.2.Value.3", "shutting-down"},
                                   {"Filter.2.Value.4", "stopping"},
                                   {"Filter.2.Value.5", "stopped"},
                                   {"MaxResults", "1000"}});
}

SignableRequest ec2_request(const std::string& body) {
  return SignableRequest{std::string("POST"), std::string("/"), {},
                         {{"host", "ec2.us-east-1.amazonaws.com"},
                          {"Content-Type", "application/x-www-form-urlencoded; charset=utf-8"}},
                         sha256_hex(body)};
}

// What ServiceClient does per attempt: hash the body, then sign the headers.
void BM_SignEc2Request(benchmark::State& state) {
  const std::string body = describe_instances_body();
  const SigningParams params = ec2_params();
  for (auto _ : state) {
    auto headers = sign_headers(ec2_request(body), params);
    benchmark::DoNotOptimize(headers);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_SignEc2Request);

// The three steps separately, to see where the time goes.
void BM_CanonicalRequest(benchmark::State& state) {
  const std::string body = describe_instances_body();
  const SigningParams params = ec2_params();
  const SignableRequest req = prepare_for_header_signing(ec2_request(body), params);
  for (auto _ : state) benchmark::DoNotOptimize(canonical_request(req, params));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_CanonicalRequest);

void BM_SigningKey(benchmark::State& state) {
  const SigningParams params = ec2_params();
  for (auto _ : state) benchmark::DoNotOptimize(signing_key(params));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_SigningKey);

// The payload hash of a large body (a RunInstances with user-data is up to 16 KiB; S3 more).
void BM_PayloadHash(benchmark::State& state) {
  const std::string body(static_cast<size_t>(state.range(0)), 'a');
  for (auto _ : state) benchmark::DoNotOptimize(sha256_hex(body));
  state.SetBytesProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_PayloadHash)->Arg(1 << 10)->Arg(16 << 10)->Arg(1 << 20);

// An S3 presigned GET (spored fetching a checkpoint script).
void BM_PresignS3(benchmark::State& state) {
  SigningParams params = ec2_params();
  params.service = "s3";
  params.double_encode_path = false;
  const SignableRequest r{std::string("GET"), std::string("/checkpoints/render/checkpoint%20script.sh"), {},
                          {{"host", "my-bucket.s3.us-east-1.amazonaws.com"}}, std::string()};
  for (auto _ : state) benchmark::DoNotOptimize(presign_query(r, params, std::chrono::seconds(900)));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_PresignS3);

}  // namespace
