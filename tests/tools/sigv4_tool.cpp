// sigv4_tool: signs request descriptions with spawn's SigV4 signer, for differential tests
// (tests/integration/test_sigv4_botocore.py). One JSON object per input line:
//   {"id": any, "mode": "headers" | "presign", "method": "GET", "path": "/wire%20path",
//    "query": [[k, v], ...] (decoded), "headers": [[name, value], ...], "body_hex": "",
//    "unsigned_payload": false, "service": "s3", "region": "us-east-1", "access_key": "...",
//    "secret_key": "...", "token": null | "...", "time": <unix seconds>, "expires": 3600}
// One JSON object per output line, in input order:
//   {"id", "canonical_request", "string_to_sign", "signature",
//    "headers": [[name, value], ...]                          (mode "headers": sign_headers())
//    "query": [[k, v], ...], "query_string": "k=v&..."}       (mode "presign": presign_query())
// or {"id", "error": "..."} for a line it cannot read. S3 (service "s3") is signed with
// double_encode_path = false, every other service with true.
#include <chrono>
#include <iostream>
#include <string>

#include <nlohmann/json.hpp>

#include "spawn/aws/auth/sigv4.hpp"

namespace {

using nlohmann::json;
using namespace spawn::aws::auth;
using Pairs = std::vector<std::pair<std::string, std::string>>;

std::string from_hex(const std::string& hex) {
  if (hex.size() % 2 != 0) throw std::invalid_argument("body_hex has an odd length");
  std::string out;
  for (std::size_t i = 0; i < hex.size(); i += 2) {
    out += static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16));
  }
  return out;
}

Pairs pairs(const json& list) {
  Pairs out;
  for (const auto& item : list) out.emplace_back(item.at(0).get<std::string>(), item.at(1).get<std::string>());
  return out;
}

json to_json(const Pairs& list) {
  json out = json::array();
  for (const auto& [k, v] : list) out.push_back(json::array({k, v}));
  return out;
}

// The payload hash a caller of the signer would pass: empty for an empty body, so the
// signer's default (empty-body hash, or UNSIGNED-PAYLOAD for an S3 presigned URL) is tested.
std::string payload_hash(const json& in) {
  if (in.value("unsigned_payload", false)) return std::string(k_unsigned_payload);
  const std::string body = from_hex(in.value("body_hex", ""));
  return body.empty() ? std::string() : sha256_hex(body);
}

json sign_one(const json& in) {
  SigningParams params;
  params.service = in.at("service").get<std::string>();
  params.region = in.at("region").get<std::string>();
  params.credentials.access_key_id = in.at("access_key").get<std::string>();
  params.credentials.secret_access_key = in.at("secret_key").get<std::string>();
  if (in.contains("token") && !in.at("token").is_null()) {
    params.credentials.session_token = in.at("token").get<std::string>();
  }
  params.time = std::chrono::system_clock::time_point{std::chrono::seconds{in.at("time").get<long long>()}};
  params.double_encode_path = params.service != "s3";

  SignableRequest req;
  req.method = in.at("method").get<std::string>();
  req.path = in.at("path").get<std::string>();
  req.query = pairs(in.value("query", json::array()));
  req.headers = pairs(in.value("headers", json::array()));
  req.payload_hash = payload_hash(in);

  json out;
  out["id"] = in.value("id", json());
  const std::string mode = in.value("mode", "headers");
  SignableRequest prepared;
  if (mode == "headers") {
    prepared = prepare_for_header_signing(req, params);
    out["headers"] = to_json(sign_headers(req, params));
  } else if (mode == "presign") {
    const std::chrono::seconds expires{in.value("expires", 3600LL)};
    prepared = prepare_for_presign(req, params, expires);
    const Pairs query = presign_query(req, params, expires);
    std::string query_string;
    for (const auto& [k, v] : query) {
      if (!query_string.empty()) query_string += '&';
      query_string += uri_encode(k, false) + "=" + uri_encode(v, false);
    }
    out["query"] = to_json(query);
    out["query_string"] = query_string;
  } else {
    throw std::invalid_argument("unknown mode " + mode);
  }
  const std::string canonical = canonical_request(prepared, params);
  const std::string to_sign = string_to_sign(canonical, params);
  out["canonical_request"] = canonical;
  out["string_to_sign"] = to_sign;
  out["signature"] = signature(to_sign, params);
  return out;
}

}  // namespace

int main() {
  std::ios::sync_with_stdio(false);
  std::string line;
  while (std::getline(std::cin, line)) {
    if (line.empty()) continue;
    json out;
    try {
      const json in = json::parse(line);
      try {
        out = sign_one(in);
      } catch (const std::exception& e) {
        out = {{"id", in.value("id", json())}, {"error", e.what()}};
      }
    } catch (const std::exception& e) {
      out = {{"id", nullptr}, {"error", std::string("bad JSON line: ") + e.what()}};
    }
    std::cout << out.dump(-1, ' ', false, json::error_handler_t::replace) << '\n';
  }
  return 0;
}
