// socket_probe: SocketTransport and the IMDS client from the command line, for the integration
// tests (tests/integration/test_socket_transport.py, test_imds_client.py). One JSON line per
// request on stdout; exit 0 whatever the requests gave, 2 on bad usage.
//
//   socket_probe http URL [--method M] [--header "K: V"]... [--body B] [--ca-file F]
//                [--timeout-ms N] [--connect-timeout-ms N] [--repeat N] [--no-keep-alive]
//                [--close-allowed] [--max-body N]
//     {"ok": true, "status": 200, "headers": [["K", "V"]...], "body": "..."}
//     {"ok": false, "code": "NetworkError", "message": "...", "http_status": 0}
//   socket_probe imds ENDPOINT PATH... [--repeat N] [--ttl S] [--timeout-ms N] [--attempts N]
//                [--pause-ms N] [--invalidate]
//     {"ok": true, "path": "...", "found": true, "body": "...", "ms": 3}
//     {"ok": true, "path": "...", "found": false, "ms": 1}
//     {"ok": false, "path": "...", "code": "...", "message": "...", "http_status": 0, "ms": 3000}
#include <chrono>
#include <cstdio>
#include <iostream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "spawn/aws/http/socket_transport.hpp"
#include "spawn/aws/imds/client.hpp"

using namespace spawn::aws;
using nlohmann::json;

namespace {

int usage() {
  std::fputs("usage: socket_probe http URL [options] | socket_probe imds ENDPOINT PATH... [options]\n", stderr);
  return 2;
}

json error_json(const Error& e) {
  return {{"ok", false}, {"code", e.code}, {"message", e.message}, {"http_status", e.http_status}};
}

int run_http(const std::vector<std::string>& args) {
  http::Request request;
  http::SocketTransportOptions options;
  int repeat = 1;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    auto value = [&]() -> std::string { return i + 1 < args.size() ? args[++i] : std::string(); };
    if (a == "--method") request.method = value();
    else if (a == "--header") {
      std::string h = value();
      auto colon = h.find(':');
      std::string v = colon == std::string::npos ? "" : h.substr(colon + 1);
      while (!v.empty() && v.front() == ' ') v.erase(0, 1);
      request.headers.emplace_back(h.substr(0, colon), v);
    } else if (a == "--body") request.body = value();
    else if (a == "--ca-file") options.ca_file = value();
    else if (a == "--timeout-ms") request.timeout = std::chrono::milliseconds(std::stol(value()));
    else if (a == "--connect-timeout-ms") request.connect_timeout = std::chrono::milliseconds(std::stol(value()));
    else if (a == "--repeat") repeat = std::stoi(value());
    else if (a == "--no-keep-alive") options.keep_alive = http::KeepAlive::no;
    else if (a == "--close-allowed") request.framing = http::Framing::close_allowed;
    else if (a == "--max-body") request.max_body = std::stoul(value());
    else if (request.url.empty() && !a.starts_with("--")) request.url = a;
    else return usage();
  }
  if (request.url.empty()) return usage();
  http::SocketTransport transport(options);
  for (int n = 0; n < repeat; ++n) {
    auto reply = transport.send(request);
    json out;
    if (reply) {
      out = {{"ok", true}, {"status", reply->status}, {"headers", reply->headers}, {"body", reply->body}};
    } else {
      out = error_json(reply.error());
    }
    std::cout << out.dump() << std::endl;
  }
  return 0;
}

int run_imds(const std::vector<std::string>& args) {
  imds::Options options;
  std::vector<std::string> paths;
  int repeat = 1;
  std::chrono::milliseconds pause{0};
  bool invalidate = false;
  bool have_endpoint = false;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    auto value = [&]() -> std::string { return i + 1 < args.size() ? args[++i] : std::string("0"); };
    if (a == "--repeat") repeat = std::stoi(value());
    else if (a == "--ttl") options.token_ttl = std::chrono::seconds(std::stol(value()));
    else if (a == "--timeout-ms") options.timeout = std::chrono::milliseconds(std::stol(value()));
    else if (a == "--attempts") options.max_attempts = std::stoi(value());
    else if (a == "--pause-ms") pause = std::chrono::milliseconds(std::stol(value()));
    else if (a == "--invalidate") invalidate = true;
    else if (a.starts_with("--")) return usage();
    else if (!have_endpoint) options.endpoint = a, have_endpoint = true;
    else paths.push_back(a);
  }
  if (!have_endpoint || paths.empty()) return usage();
  imds::Client client(std::make_shared<http::SocketTransport>(), options);
  for (int n = 0; n < repeat; ++n) {
    for (const auto& path : paths) {
      auto start = std::chrono::steady_clock::now();
      auto r = client.get(path);
      auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start).count();
      json out;
      if (!r) out = error_json(r.error());
      else if (r->has_value()) out = {{"ok", true}, {"found", true}, {"body", **r}};
      else out = {{"ok", true}, {"found", false}};
      out["path"] = path;
      out["ms"] = ms;
      std::cout << out.dump() << std::endl;
      if (invalidate) client.invalidate_token();
    }
    if (pause.count() > 0) std::this_thread::sleep_for(pause);
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) return usage();
  std::string command = argv[1];
  std::vector<std::string> args(argv + 2, argv + argc);
  try {
    if (command == "http") return run_http(args);
    if (command == "imds") return run_imds(args);
  } catch (const std::exception& e) {  // std::stoi on a bad number
    std::fprintf(stderr, "socket_probe: %s\n", e.what());
  }
  return usage();
}
