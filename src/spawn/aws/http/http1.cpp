#include "spawn/aws/http/http1.hpp"

#include <cctype>
#include <charconv>
#include <limits>

namespace spawn::aws::http::http1 {
namespace {

Error invalid(std::string what) { return local_error("InvalidReply", "malformed HTTP reply: " + std::move(what)); }

Error truncated(std::string what) {
  return local_error("NetworkError", "connection closed in the middle of the reply (" + std::move(what) + ", truncated)");
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

bool contains_token(std::string_view list, std::string_view token) {
  // Comma-separated, case-insensitive ("Connection: keep-alive, Upgrade").
  while (!list.empty()) {
    auto comma = list.find(',');
    if (header_name_equal(trim(list.substr(0, comma)), token)) return true;
    if (comma == std::string_view::npos) break;
    list.remove_prefix(comma + 1);
  }
  return false;
}

bool method_has_body(std::string_view method) { return method == "POST" || method == "PUT" || method == "PATCH"; }

// Finds the end of a line: returns the line (without CR LF) and how many bytes it used, or
// npos when the line is not complete yet. Bare LF is accepted, as most clients do.
std::pair<std::string_view, std::size_t> next_line(std::string_view buffer) {
  auto lf = buffer.find('\n');
  if (lf == std::string_view::npos) return {{}, std::string_view::npos};
  auto line = buffer.substr(0, lf);
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  return {line, lf + 1};
}

}  // namespace

std::string format_request(const Request& request, const util::Url& url, KeepAlive keep_alive) {
  std::string out;
  out.reserve(256 + request.body.size());
  out += request.method;
  out += ' ';
  out += url.path.empty() ? "/" : url.path;
  if (!url.query.empty()) {
    out += '?';
    out += url.query;
  }
  out += " HTTP/1.1\r\n";
  bool has_host = false, has_length = false, has_connection = false;
  for (const auto& [name, value] : request.headers) {
    has_host = has_host || header_name_equal(name, "host");
    has_length = has_length || header_name_equal(name, "content-length");
    has_connection = has_connection || header_name_equal(name, "connection");
  }
  if (!has_host) out += "Host: " + url.authority() + "\r\n";
  for (const auto& [name, value] : request.headers) {
    out += name;
    out += ": ";
    out += value;
    out += "\r\n";
  }
  if (!has_length && (!request.body.empty() || method_has_body(request.method)))
    out += "Content-Length: " + std::to_string(request.body.size()) + "\r\n";
  if (!has_connection && keep_alive == KeepAlive::no) out += "Connection: close\r\n";
  out += "\r\n";
  out += request.body;
  return out;
}

Result<void> ResponseParser::feed(std::string_view data) {
  if (!data.empty()) m_started = true;
  if (m_state == State::done) {
    if (!data.empty()) return unexpected(invalid("bytes after the end of the reply"));
    return {};
  }
  m_buffer.append(data);
  return step();
}

Result<void> ResponseParser::finish() {
  switch (m_state) {
    case State::close_body:  // step() has taken every byte already
      m_state = State::done;
      m_reusable = false;
      return {};
    case State::done:
      return {};
    case State::head:
      return unexpected(local_error("NetworkError", m_started ? "connection closed in the middle of the reply head"
                                                              : "connection closed before any reply"));
    case State::length_body:
      return unexpected(truncated("body " + std::to_string(m_response.body.size()) + " of " +
                                  std::to_string(m_response.body.size() + m_remaining) + " bytes"));
    default:
      return unexpected(truncated("chunked body cut before its end"));
  }
}

Result<void> ResponseParser::check_room(std::size_t more) const {
  const std::size_t have = m_response.body.size();
  if (more <= m_options.max_body && have <= m_options.max_body - more) return {};
  return unexpected(local_error("ReplyTooLarge", "reply body larger than the limit of " +
                                                     std::to_string(m_options.max_body) + " bytes"));
}

Result<void> ResponseParser::parse_head(std::string_view head) {
  // Status line: HTTP/1.x SP 3DIGIT [SP reason]
  auto [status_line, used] = next_line(head);
  if (!status_line.starts_with("HTTP/1.")) return unexpected(invalid("no HTTP/1.x status line"));
  const bool http10 = status_line.starts_with("HTTP/1.0");
  auto sp = status_line.find(' ');
  if (sp == std::string_view::npos || status_line.size() < sp + 4) return unexpected(invalid("bad status line"));
  int status = 0;
  auto digits = status_line.substr(sp + 1, 3);
  auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + 3, status);
  if (ec != std::errc{} || ptr != digits.data() + 3 || status < 100) return unexpected(invalid("bad status code"));

  Headers headers;
  head.remove_prefix(used);
  while (!head.empty()) {
    auto [line, n] = next_line(head);
    if (n == std::string_view::npos) break;
    head.remove_prefix(n);
    if (line.empty()) break;
    if (line.front() == ' ' || line.front() == '\t') {  // obsolete folding: continue the last value
      if (headers.empty()) return unexpected(invalid("continuation line first"));
      headers.back().second += ' ';
      headers.back().second += trim(line);
      continue;
    }
    auto colon = line.find(':');
    if (colon == std::string_view::npos || colon == 0) return unexpected(invalid("header without a name"));
    headers.emplace_back(std::string(trim(line.substr(0, colon))), std::string(trim(line.substr(colon + 1))));
  }

  m_response.status = status;
  m_response.headers = std::move(headers);
  m_response.body.clear();
  if (status >= 100 && status < 200 && status != 101) {
    m_state = State::head;  // interim reply (100 Continue, 103 Early Hints): the real one follows
    return {};
  }

  std::string connection = m_response.header("connection");
  m_reusable = http10 ? contains_token(connection, "keep-alive") : !contains_token(connection, "close");

  const std::string encoding = m_response.header("transfer-encoding");
  const std::string length = m_response.header("content-length");
  const bool chunked = !encoding.empty() && !header_name_equal(trim(encoding), "identity");
  if (m_options.head_request == HeadRequest::yes || status == 204 || status == 304) {
    m_state = State::done;
  } else if (chunked && contains_token(encoding, "chunked")) {
    m_state = State::chunk_size;
  } else if (!chunked && !length.empty()) {
    std::size_t n = 0;
    auto text = trim(length);
    auto [p, e] = std::from_chars(text.data(), text.data() + text.size(), n);
    if (e != std::errc{} || p != text.data() + text.size()) return unexpected(invalid("bad Content-Length"));
    if (auto room = check_room(n); !room) return room;  // refused before a byte of it is read
    m_remaining = n;
    m_state = n == 0 ? State::done : State::length_body;
  } else {
    // No length and no chunks (or some other coding): the body ends when the connection closes,
    // which a cut connection does too.
    if (m_options.framing == Framing::required)
      return unexpected(invalid("body framed by neither Content-Length nor chunked encoding"));
    m_state = State::close_body;
    m_reusable = false;
  }
  return {};
}

Result<void> ResponseParser::step() {
  for (;;) {
    switch (m_state) {
      case State::head: {
        // The head ends at the first empty line (CRLF CRLF, or bare LF LF).
        std::size_t end = std::string::npos, skip = 0;
        for (std::size_t i = 0; i < m_buffer.size(); ++i) {
          if (m_buffer[i] != '\n') continue;
          if (i + 1 < m_buffer.size() && m_buffer[i + 1] == '\n') {
            end = i + 1, skip = 1;
            break;
          }
          if (i + 2 < m_buffer.size() && m_buffer[i + 1] == '\r' && m_buffer[i + 2] == '\n') {
            end = i + 1, skip = 2;
            break;
          }
        }
        if (end == std::string::npos) {
          if (m_buffer.size() > k_max_head) return unexpected(invalid("headers larger than 64 KiB"));
          return {};
        }
        std::string head = m_buffer.substr(0, end);
        m_buffer.erase(0, end + skip);
        auto parsed = parse_head(head);
        if (!parsed) return parsed;
        continue;
      }
      case State::length_body: {
        std::size_t take = std::min(m_remaining, m_buffer.size());
        m_response.body.append(m_buffer, 0, take);
        m_buffer.erase(0, take);
        m_remaining -= take;
        if (m_remaining > 0) return {};
        m_state = State::done;
        continue;
      }
      case State::chunk_size: {
        auto [line, used] = next_line(m_buffer);
        if (used == std::string_view::npos) {
          if (m_buffer.size() > 1024) return unexpected(invalid("chunk size line too long"));
          return {};
        }
        auto text = trim(line.substr(0, line.find(';')));  // chunk extensions are ignored
        std::size_t n = 0;
        auto [p, e] = std::from_chars(text.data(), text.data() + text.size(), n, 16);
        if (text.empty() || e != std::errc{} || p != text.data() + text.size())
          return unexpected(invalid("bad chunk size"));
        if (auto room = check_room(n); !room) return room;
        m_buffer.erase(0, used);
        m_remaining = n;
        m_state = n == 0 ? State::trailers : State::chunk_data;
        continue;
      }
      case State::chunk_data: {
        std::size_t take = std::min(m_remaining, m_buffer.size());
        m_response.body.append(m_buffer, 0, take);
        m_buffer.erase(0, take);
        m_remaining -= take;
        if (m_remaining > 0) return {};
        m_state = State::chunk_data_end;
        continue;
      }
      case State::chunk_data_end: {
        auto [line, used] = next_line(m_buffer);
        if (used == std::string_view::npos) {
          if (m_buffer.size() >= 2) return unexpected(invalid("chunk not followed by CRLF"));
          return {};
        }
        if (!line.empty()) return unexpected(invalid("chunk longer than its size"));
        m_buffer.erase(0, used);
        m_state = State::chunk_size;
        continue;
      }
      case State::trailers: {
        auto [line, used] = next_line(m_buffer);
        if (used == std::string_view::npos) {
          if (m_buffer.size() > k_max_head) return unexpected(invalid("trailers larger than 64 KiB"));
          return {};
        }
        m_buffer.erase(0, used);
        if (line.empty()) m_state = State::done;  // trailer fields themselves are dropped
        continue;
      }
      case State::close_body:
        if (auto room = check_room(m_buffer.size()); !room) return room;
        m_response.body += m_buffer;
        m_buffer.clear();
        return {};
      case State::done:
        if (!m_buffer.empty()) return unexpected(invalid("bytes after the end of the reply"));
        return {};
    }
  }
}

}  // namespace spawn::aws::http::http1
