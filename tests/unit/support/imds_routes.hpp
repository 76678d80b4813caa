#pragma once
// A fake http::Transport that answers like the instance metadata service from a table of paths,
// for agent tests that go through the real imds::Client: PUT /latest/api/token gives a token,
// GET /latest/<path> gives routes[path] (200), a queued failure, or 404. Thread-safe.
//
//   auto imds = std::make_shared<spawn::test::ImdsRoutes>();
//   imds->set("meta-data/spot/instance-action", R"({"action":"terminate","time":"..."})");
//   imds->fail_next("meta-data/spot/instance-action", 503, 3);  // three 503s first
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "spawn/aws/http/transport.hpp"

namespace spawn::test {

class ImdsRoutes final : public aws::http::Transport {
 public:
  void set(const std::string& path, std::string body) {
    std::lock_guard lock(m_mutex);
    m_routes[path] = std::move(body);
  }
  void erase(const std::string& path) {
    std::lock_guard lock(m_mutex);
    m_routes.erase(path);
  }
  // The next `count` GETs of path answer `status` (0: no answer, a NetworkError).
  void fail_next(const std::string& path, int status, int count) {
    std::lock_guard lock(m_mutex);
    for (int i = 0; i < count; ++i) m_failures[path].push_back(status);
  }
  // GET paths asked so far, in order (tokens not included).
  std::vector<std::string> gets() const {
    std::lock_guard lock(m_mutex);
    return m_gets;
  }

  aws::Result<aws::http::Response> send(const aws::http::Request& request) override {
    std::lock_guard lock(m_mutex);
    const std::string prefix = "/latest/";
    auto at = request.url.find(prefix);
    std::string path = at == std::string::npos ? request.url : request.url.substr(at + prefix.size());
    if (request.method == "PUT" && path == "api/token")
      return aws::http::Response{200, {{"X-aws-ec2-metadata-token-ttl-seconds", "21600"}}, "token"};
    m_gets.push_back(path);
    if (auto f = m_failures.find(path); f != m_failures.end() && !f->second.empty()) {
      int status = f->second.front();
      f->second.erase(f->second.begin());
      if (status == 0) return unexpected(aws::local_error("NetworkError", "connection refused"));
      return aws::http::Response{status, {}, "error"};
    }
    if (auto r = m_routes.find(path); r != m_routes.end()) return aws::http::Response{200, {}, r->second};
    // Directory listings, as the service gives them: the names under path/.
    std::string listing;
    for (const auto& [k, v] : m_routes)
      if (k.starts_with(path + "/")) listing += (listing.empty() ? "" : "\n") + k.substr(path.size() + 1);
    if (!listing.empty()) return aws::http::Response{200, {}, listing};
    return aws::http::Response{404, {}, "<html>404 - Not Found</html>"};
  }

 private:
  mutable std::mutex m_mutex;
  std::map<std::string, std::string> m_routes;
  std::map<std::string, std::vector<int>> m_failures;
  std::vector<std::string> m_gets;
};

}  // namespace spawn::test
