#pragma once
// HTTP/1.1 on the wire, without any I/O: the request bytes, and an incremental reply parser
// (Content-Length, chunked, or until the connection closes when the caller allows it), bounded
// while it reads. SocketTransport feeds it from a socket; tests and the fuzzer feed it in pieces.
#include <cstddef>
#include <string>
#include <string_view>

#include "spawn/aws/error.hpp"
#include "spawn/aws/http/transport.hpp"
#include "spawn/util/url.hpp"

namespace spawn::aws::http::http1 {

enum class KeepAlive { no, yes };

// The request head and body as sent: "<METHOD> <path>?<query> HTTP/1.1", Host (unless the caller
// gave one), the caller's headers in order, Content-Length when there is a body or the method
// usually has one (PUT with an empty body says 0), "Connection: close" for KeepAlive::no.
std::string format_request(const Request& request, const util::Url& url, KeepAlive keep_alive);

enum class HeadRequest { no, yes };

struct ParserOptions {
  HeadRequest head_request = HeadRequest::no;  // the reply to a HEAD has no body, whatever it says
  Framing framing = Framing::required;
  std::size_t max_body = k_default_max_body;
};

// Reads one reply. Interim 1xx replies are skipped; HEAD, 204 and 304 replies have no body.
class ResponseParser {
 public:
  static constexpr std::size_t k_max_head = 64 * 1024;  // status line + headers

  explicit ResponseParser(ParserOptions options = {}) : m_options(options) {}

  // Consumes bytes. Errors: InvalidReply when they are not HTTP/1.x, when the body is framed by
  // neither Content-Length nor chunked and the options require it, and for bytes after the end of
  // the reply (nothing was asked for them); ReplyTooLarge as soon as the body (its
  // Content-Length, or what has come) exceeds max_body.
  Result<void> feed(std::string_view data);
  // The peer closed the connection: ends a reply read until close; an error (NetworkError,
  // "connection closed ...", "truncated" when in the body) when the reply was incomplete.
  Result<void> finish();

  bool done() const { return m_state == State::done; }
  // True once some bytes of a reply have arrived (a stale kept-alive connection sends none).
  bool started() const { return m_started; }
  // After done(): whether the connection may carry another request.
  bool reusable() const { return m_reusable; }
  Response& response() { return m_response; }

 private:
  enum class State { head, length_body, chunk_size, chunk_data, chunk_data_end, trailers, close_body, done };

  Result<void> parse_head(std::string_view head);
  Result<void> step();  // advances through m_buffer as far as it can
  Result<void> check_room(std::size_t more) const;  // ReplyTooLarge when the body cannot take more

  ParserOptions m_options;
  bool m_started = false;
  bool m_reusable = false;
  State m_state = State::head;
  std::string m_buffer;  // bytes not consumed yet
  std::size_t m_remaining = 0;  // of the body or current chunk
  Response m_response;
};

}  // namespace spawn::aws::http::http1
