#include "spawn/aws/http/curl_transport.hpp"

#include <curl/curl.h>

#include <mutex>

namespace spawn::aws::http {
namespace {

std::once_flag g_curl_init;

// The body grows in one allocation when the reply says its length: a listing of thousands of
// instances is tens of MB, and growing a string by doubling copies it and touches twice the pages.
struct BodySink {
  std::string* body;
  CURL* easy;
  bool sized = false;
};

size_t on_body(char* data, size_t size, size_t count, void* user) {
  auto* sink = static_cast<BodySink*>(user);
  if (!sink->sized) {
    sink->sized = true;
    curl_off_t length = -1;
    if (curl_easy_getinfo(sink->easy, CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &length) == CURLE_OK && length > 0 &&
        length < (curl_off_t{1} << 30))
      sink->body->reserve(static_cast<size_t>(length));
  }
  sink->body->append(data, size * count);
  return size * count;
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
  BodySink sink{&response.body, h};
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
  if (rc != CURLE_OK) {
    std::string code = rc == CURLE_OPERATION_TIMEDOUT ? "RequestTimeout" : "NetworkError";
    return unexpected(local_error(code, std::string(curl_easy_strerror(rc)) + " (" + request.url.substr(0, request.url.find('?')) + ")"));
  }
  long status = 0;
  curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
  response.status = static_cast<int>(status);
  return response;
}

}  // namespace spawn::aws::http
