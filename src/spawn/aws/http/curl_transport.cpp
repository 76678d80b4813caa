#include "spawn/aws/http/curl_transport.hpp"

#include <curl/curl.h>

#include <mutex>

namespace spawn::aws::http {
namespace {

std::once_flag g_curl_init;

// The body grows in one allocation when the reply says its length: a listing of thousands of
// instances is tens of MB, and growing a string by doubling copies it and touches twice the pages.
// The body is bounded here as well as by CURLOPT_MAXFILESIZE_LARGE: curl checks that one against
// the Content-Length (and, in older versions, only that), while this sees every byte after
// decoding (a small gzip body can inflate to gigabytes).
struct BodySink {
  std::string* body;
  CURL* easy;
  std::size_t max_body;
  bool sized = false;
  bool too_large = false;
};

size_t on_body(char* data, size_t size, size_t count, void* user) {
  auto* sink = static_cast<BodySink*>(user);
  const size_t n = size * count;
  if (n > sink->max_body || sink->body->size() > sink->max_body - n) {
    sink->too_large = true;
    return CURL_WRITEFUNC_ERROR;  // anything but n: curl stops with CURLE_WRITE_ERROR
  }
  if (!sink->sized) {
    sink->sized = true;
    curl_off_t length = -1;
    if (curl_easy_getinfo(sink->easy, CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &length) == CURLE_OK && length > 0 &&
        static_cast<std::size_t>(length) <= sink->max_body)
      sink->body->reserve(static_cast<size_t>(length));
  }
  sink->body->append(data, n);
  return n;
}

// Whether an HTTP/1.x reply's body ended by the connection closing: neither Content-Length nor
// chunked, and a body was possible. HTTP/2 and 3 frame every body themselves.
bool read_until_close(CURL* h, const Request& request, const Response& response) {
  long version = 0;
  curl_easy_getinfo(h, CURLINFO_HTTP_VERSION, &version);
  if (version != CURL_HTTP_VERSION_1_0 && version != CURL_HTTP_VERSION_1_1) return false;
  if (request.method == "HEAD" || response.status == 204 || response.status == 304 ||
      (response.status >= 100 && response.status < 200))
    return false;
  if (!response.header("content-length").empty()) return false;
  const std::string encoding = response.header("transfer-encoding");
  for (std::size_t i = 0; i + 7 <= encoding.size(); ++i)
    if (header_name_equal(std::string_view(encoding).substr(i, 7), "chunked")) return false;
  return true;
}

size_t on_header(char* data, size_t size, size_t count, void* user) {
  auto* headers = static_cast<Headers*>(user);
  std::string_view line(data, size * count);
  if (line.starts_with("HTTP/")) {
    headers->clear();  // a new response (after 100-continue or a redirect)
    return size * count;
  }
  auto colon = line.find(':');
  if (colon == std::string_view::npos) return size * count;
  auto trim = [](std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == '\r' || s.back() == '\n' || s.back() == ' ')) s.remove_suffix(1);
    return s;
  };
  headers->emplace_back(std::string(trim(line.substr(0, colon))),
                        std::string(trim(line.substr(colon + 1))));
  return size * count;
}

}  // namespace

struct CurlTransport::Impl {
  CURL* easy = nullptr;
  std::string ca_bundle;
};

CurlTransport::CurlTransport(std::string ca_bundle) : m_impl(std::make_unique<Impl>()) {
  m_impl->ca_bundle = std::move(ca_bundle);
  std::call_once(g_curl_init, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
  m_impl->easy = curl_easy_init();
}

CurlTransport::~CurlTransport() {
  if (m_impl->easy != nullptr) curl_easy_cleanup(m_impl->easy);
}

Result<Response> CurlTransport::send(const Request& request) {
  CURL* h = m_impl->easy;
  if (h == nullptr) return unexpected(local_error("NetworkError", "libcurl failed to initialise"));
  curl_easy_reset(h);  // keeps the connection cache and TLS sessions

  Response response;
  curl_easy_setopt(h, CURLOPT_URL, request.url.c_str());
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(request.connect_timeout.count()));
  curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, static_cast<long>(request.timeout.count()));
  curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 1L);
  curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 2L);
  if (!m_impl->ca_bundle.empty()) curl_easy_setopt(h, CURLOPT_CAINFO, m_impl->ca_bundle.c_str());
  curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
  BodySink sink{&response.body, h, request.max_body};
  // Not for HEAD: its Content-Length is the size of what was not asked for.
  if (request.method != "HEAD")
    curl_easy_setopt(h, CURLOPT_MAXFILESIZE_LARGE, static_cast<curl_off_t>(request.max_body));
  curl_easy_setopt(h, CURLOPT_WRITEDATA, &sink);
  curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt(h, CURLOPT_HEADERDATA, &response.headers);
  curl_easy_setopt(h, CURLOPT_ACCEPT_ENCODING, "");

  if (request.method == "GET") {
    curl_easy_setopt(h, CURLOPT_HTTPGET, 1L);
  } else if (request.method == "HEAD") {
    curl_easy_setopt(h, CURLOPT_NOBODY, 1L);
  } else {
    curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, request.method.c_str());
    curl_easy_setopt(h, CURLOPT_POSTFIELDS, request.body.data());
    curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body.size()));
  }

  curl_slist* headers = nullptr;
  // curl adds "Expect: 100-continue" for large bodies and a default Content-Type for POST;
  // neither is signed, and we set our own content type.
  headers = curl_slist_append(headers, "Expect:");
  bool has_content_type = false;
  for (const auto& [k, v] : request.headers) {
    if (header_name_equal(k, "content-type")) has_content_type = true;
    std::string line = v.empty() ? k + ";" : k + ": " + v;
    headers = curl_slist_append(headers, line.c_str());
  }
  if (!has_content_type && request.method != "GET") headers = curl_slist_append(headers, "Content-Type:");
  curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers);

  CURLcode rc = curl_easy_perform(h);
  curl_slist_free_all(headers);
  const std::string shown = request.url.substr(0, request.url.find('?'));
  if (rc == CURLE_FILESIZE_EXCEEDED || (rc == CURLE_WRITE_ERROR && sink.too_large))
    return unexpected(local_error("ReplyTooLarge", "reply body larger than the limit of " +
                                                       std::to_string(request.max_body) + " bytes (" + shown + ")"));
  if (rc != CURLE_OK) {
    std::string code = rc == CURLE_OPERATION_TIMEDOUT ? "RequestTimeout" : "NetworkError";
    return unexpected(local_error(code, std::string(curl_easy_strerror(rc)) + " (" + shown + ")"));
  }
  long status = 0;
  curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
  response.status = static_cast<int>(status);
  if (request.framing == Framing::required && read_until_close(h, request, response))
    return unexpected(local_error("InvalidReply", "malformed HTTP reply: body framed by neither Content-Length nor "
                                                  "chunked encoding (" + shown + ")"));
  return response;
}

}  // namespace spawn::aws::http
