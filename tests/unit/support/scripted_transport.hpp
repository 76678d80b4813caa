#pragma once
// A fake http::Transport for unit tests: replies are queued in advance and every request is
// recorded, so a test says what "the network" answers and then checks what was sent.
//
//   auto transport = std::make_shared<spawn::test::ScriptedTransport>();
//   transport->reply(200, R"({"ok": true})")                 // the 1st send() gets this
//            .fail("RequestTimeout", "timed out")             // the 2nd gets this error
//            .respond([](const spawn::aws::http::Request& r) { // the 3rd is computed
//              return spawn::aws::http::Response{200, {}, r.url};
//            });
//   ... code under test sends ...
//   ASSERT_EQ(transport->requests().size(), 3u);
//   EXPECT_EQ(transport->requests()[0].url, "http://...");
//
// A send() with nothing left in the queue fails the running test (ADD_FAILURE) and answers a
// NetworkError, so an unexpected request shows up; after otherwise_fail(), it answers that
// error quietly instead (for "the host is unreachable, however often you ask"). Thread-safe.
#include <gtest/gtest.h>

#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "spawn/aws/http/transport.hpp"

namespace spawn::test {

class ScriptedTransport final : public aws::http::Transport {
 public:
  using Responder = std::function<aws::Result<aws::http::Response>(const aws::http::Request&)>;

  // Queues a reply with this status, body and headers.
  ScriptedTransport& reply(int status, std::string body = {}, aws::http::Headers headers = {}) {
    return reply(aws::http::Response{status, std::move(headers), std::move(body)});
  }
  // Queues a whole Response.
  ScriptedTransport& reply(aws::http::Response response) {
    return respond([response = std::move(response)](const aws::http::Request&) -> aws::Result<aws::http::Response> {
      return response;
    });
  }
  // Queues "no reply": an error with http_status 0, as a real transport gives for a refused
  // connection ("NetworkError") or a timeout ("RequestTimeout").
  ScriptedTransport& fail(std::string code = "NetworkError", std::string message = "connection refused") {
    aws::Error e = aws::local_error(std::move(code), std::move(message));
    return respond([e](const aws::http::Request&) -> aws::Result<aws::http::Response> { return unexpected(e); });
  }
  // Queues a function that makes the answer from the request.
  ScriptedTransport& respond(Responder responder) {
    std::lock_guard lock(m_mutex);
    m_queue.push_back(std::move(responder));
    return *this;
  }
  // Once the queue is empty, answer this error without failing the test.
  ScriptedTransport& otherwise_fail(std::string code = "NetworkError", std::string message = "connection refused") {
    std::lock_guard lock(m_mutex);
    m_otherwise = aws::local_error(std::move(code), std::move(message));
    return *this;
  }

  aws::Result<aws::http::Response> send(const aws::http::Request& request) override {
    Responder next;
    {
      std::lock_guard lock(m_mutex);
      m_requests.push_back(request);
      if (m_queue.empty()) {
        if (m_otherwise) return unexpected(*m_otherwise);
        ADD_FAILURE() << "ScriptedTransport: no reply scripted for " << request.method << " " << request.url;
        return unexpected(aws::local_error("NetworkError", "ScriptedTransport: nothing scripted"));
      }
      next = std::move(m_queue.front());
      m_queue.pop_front();
    }
    return next(request);
  }

  // Every request sent so far, in order.
  std::vector<aws::http::Request> requests() const {
    std::lock_guard lock(m_mutex);
    return m_requests;
  }
  // How many queued answers are still unused.
  size_t pending() const {
    std::lock_guard lock(m_mutex);
    return m_queue.size();
  }

 private:
  mutable std::mutex m_mutex;
  std::deque<Responder> m_queue;
  std::vector<aws::http::Request> m_requests;
  std::optional<aws::Error> m_otherwise;
};

}  // namespace spawn::test
