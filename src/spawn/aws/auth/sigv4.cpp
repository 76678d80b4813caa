#include "spawn/aws/auth/sigv4.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <map>
#include <stdexcept>

namespace spawn::aws::auth {
namespace {

using Pairs = std::vector<std::pair<std::string, std::string>>;

constexpr std::string_view k_algorithm = "AWS4-HMAC-SHA256";
// botocore's SIGNED_HEADERS_BLACKLIST, plus authorization, which botocore removes before
// signing: a proxy or the transport may change these, so signing them breaks requests.
constexpr std::array<std::string_view, 12> k_unsigned_headers = {
    "authorization", "connection", "expect",  "keep-alive",        "proxy-authenticate", "proxy-authorization",
    "te",            "trailer",    "upgrade", "transfer-encoding", "user-agent",         "x-amzn-trace-id"};
// The Content-Type botocore sets on query-protocol bodies; a presigned URL has no body.
constexpr std::string_view k_form_content_type = "application/x-www-form-urlencoded; charset=utf-8";

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

std::string upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  return out;
}

bool iequals(std::string_view a, std::string_view b) { return a.size() == b.size() && lower(a) == lower(b); }

bool is_s3(const SigningParams& params) { return params.service == "s3"; }

bool is_unsigned_header(std::string_view lower_name) {
  return std::find(k_unsigned_headers.begin(), k_unsigned_headers.end(), lower_name) != k_unsigned_headers.end();
}

// The first value of a header (any case), or nullptr.
const std::string* find_header(const SignableRequest& req, std::string_view name) {
  for (const auto& [key, value] : req.headers) {
    if (iequals(key, name)) return &value;
  }
  return nullptr;
}

std::string to_hex(const unsigned char* data, std::size_t size) {
  static constexpr char k_digits[] = "0123456789abcdef";
  std::string out;
  out.reserve(size * 2);
  for (std::size_t i = 0; i < size; ++i) {
    out += k_digits[data[i] >> 4];
    out += k_digits[data[i] & 0x0f];
  }
  return out;
}

// Raw HMAC-SHA256. OpenSSL only fails here on allocation failure, which we treat as fatal.
std::string hmac_sha256(std::string_view key, std::string_view data) {
  static const unsigned char k_nothing = 0;
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  const auto* bytes = data.empty() ? &k_nothing : reinterpret_cast<const unsigned char*>(data.data());
  if (HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), bytes, data.size(), out, &size) == nullptr) {
    throw std::runtime_error("OpenSSL HMAC-SHA256 failed");
  }
  return std::string(reinterpret_cast<const char*>(out), size);
}

// Length of the white space character starting at s[i], or 0. The set is Python's
// str.isspace(), because botocore folds header values with str.split(): the ASCII ones plus
// U+001C..U+001F, U+0085, U+00A0, U+1680, U+2000..U+200A, U+2028, U+2029, U+202F, U+205F
// and U+3000 (here as their UTF-8 bytes).
std::size_t space_length(std::string_view s, std::size_t i) {
  const auto byte = [&](std::size_t k) { return i + k < s.size() ? static_cast<unsigned char>(s[i + k]) : 0; };
  const unsigned char c = byte(0);
  if (c == ' ' || (c >= 0x09 && c <= 0x0d) || (c >= 0x1c && c <= 0x1f)) return 1;
  if (c == 0xc2 && (byte(1) == 0x85 || byte(1) == 0xa0)) return 2;
  if (c == 0xe1 && byte(1) == 0x9a && byte(2) == 0x80) return 3;
  if (c == 0xe2 && byte(1) == 0x80) {
    const unsigned char d = byte(2);
    if ((d >= 0x80 && d <= 0x8a) || d == 0xa8 || d == 0xa9 || d == 0xaf) return 3;
  }
  if (c == 0xe2 && byte(1) == 0x81 && byte(2) == 0x9f) return 3;
  if (c == 0xe3 && byte(1) == 0x80 && byte(2) == 0x80) return 3;
  return 0;
}

// SigV4's Trimall: no white space at either end, every inner run folded to one space.
std::string trim_all(std::string_view value) {
  std::string out;
  bool pending_space = false;
  for (std::size_t i = 0; i < value.size();) {
    if (const std::size_t n = space_length(value, i); n > 0) {
      pending_space = !out.empty();
      i += n;
      continue;
    }
    if (pending_space) out += ' ';
    pending_space = false;
    out += value[i++];
  }
  return out;
}

// botocore's remove_dot_segments: RFC 3986 5.2.4 plus the removal of empty segments ("//"),
// which AWS services other than S3 require. A trailing '/' survives only when a segment does.
std::string normalize_path(std::string_view path) {
  if (path.empty()) return "/";
  std::vector<std::string_view> segments;
  std::size_t start = 0;
  while (start <= path.size()) {
    std::size_t end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    const std::string_view segment = path.substr(start, end - start);
    if (segment == "..") {
      if (!segments.empty()) segments.pop_back();
    } else if (!segment.empty() && segment != ".") {
      segments.push_back(segment);
    }
    start = end + 1;
  }
  std::string out = path.front() == '/' ? "/" : "";
  for (std::size_t i = 0; i < segments.size(); ++i) {
    if (i > 0) out += '/';
    out += segments[i];
  }
  if (path.back() == '/' && !segments.empty()) out += '/';
  return out;
}

std::string canonical_uri(std::string_view path, const SigningParams& params) {
  if (params.double_encode_path) return uri_encode(normalize_path(path), true);
  return path.empty() ? std::string("/") : std::string(path);
}

std::string canonical_query(const Pairs& query) {
  Pairs encoded;
  encoded.reserve(query.size());
  for (const auto& [key, value] : query) encoded.emplace_back(uri_encode(key, false), uri_encode(value, false));
  // Sorted by encoded key, then by encoded value for repeated keys.
  std::sort(encoded.begin(), encoded.end());
  std::string out;
  for (const auto& [key, value] : encoded) {
    if (!out.empty()) out += '&';
    out += key;
    out += '=';
    out += value;
  }
  return out;
}

// Signed header name -> trimmed values in request order, sorted by name.
std::map<std::string, std::vector<std::string>> headers_to_sign(const SignableRequest& req) {
  std::map<std::string, std::vector<std::string>> out;
  for (const auto& [name, value] : req.headers) {
    std::string key = lower(name);
    if (is_unsigned_header(key)) continue;
    out[std::move(key)].push_back(trim_all(value));
  }
  return out;
}

std::string signed_header_list(const std::map<std::string, std::vector<std::string>>& headers) {
  std::string out;
  for (const auto& entry : headers) {
    if (!out.empty()) out += ';';
    out += entry.first;
  }
  return out;
}

std::string date_stamp(const SigningParams& params) { return amz_date(params.time).substr(0, 8); }

std::string credential_scope(const SigningParams& params) {
  return date_stamp(params) + "/" + params.region + "/" + params.service + "/aws4_request";
}

// Date header form of email.utils.formatdate(): "Sun, 30 Aug 2015 12:36:00 -0000".
std::string http_date(std::chrono::system_clock::time_point t) {
  using namespace std::chrono;
  static constexpr std::array<const char*, 7> k_days = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static constexpr std::array<const char*, 12> k_months = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                           "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  const auto secs = floor<seconds>(t);
  const auto day = floor<days>(secs);
  const year_month_day ymd{day};
  const hh_mm_ss hms{secs - day};
  char buf[64];
  std::snprintf(buf, sizeof buf, "%s, %02u %s %04d %02d:%02d:%02d -0000", k_days[weekday{day}.c_encoding()],
                static_cast<unsigned>(ymd.day()), k_months[static_cast<unsigned>(ymd.month()) - 1],
                static_cast<int>(ymd.year()), static_cast<int>(hms.hours().count()),
                static_cast<int>(hms.minutes().count()), static_cast<int>(hms.seconds().count()));
  return buf;
}

// A copy of req without the headers named in drop (lower case), with add appended.
SignableRequest with_headers_replaced(const SignableRequest& req, const std::vector<std::string>& drop,
                                      const Pairs& add) {
  SignableRequest out = req;
  std::erase_if(out.headers, [&](const auto& header) {
    return std::find(drop.begin(), drop.end(), lower(header.first)) != drop.end();
  });
  out.headers.insert(out.headers.end(), add.begin(), add.end());
  return out;
}

// The headers sign_headers() sets (Authorization aside) and the names they replace.
// The order and the rules are botocore's _modify_request_before_signing().
struct HeaderPlan {
  Pairs set;
  std::vector<std::string> drop;  // lower-case names removed first
};

HeaderPlan plan_signing_headers(const SignableRequest& req, const SigningParams& params) {
  HeaderPlan plan;
  plan.drop.push_back("authorization");
  if (find_header(req, "date") != nullptr) {
    plan.set.emplace_back("Date", http_date(params.time));
    plan.drop.push_back("x-amz-date");
  } else {
    plan.set.emplace_back("X-Amz-Date", amz_date(params.time));
  }
  if (!params.credentials.session_token.empty()) {
    plan.set.emplace_back("X-Amz-Security-Token", params.credentials.session_token);
  }
  if (is_s3(params)) {
    plan.set.emplace_back("X-Amz-Content-SHA256",
                          req.payload_hash.empty() ? std::string(k_empty_payload_hash) : req.payload_hash);
  } else if (req.payload_hash == k_unsigned_payload) {
    plan.set.emplace_back("X-Amz-Content-SHA256", std::string(k_unsigned_payload));
  }
  for (const auto& header : plan.set) plan.drop.push_back(lower(header.first));
  return plan;
}

// prepare_for_presign() and where the X-Amz-* parameters start in its query.
struct PresignPlan {
  SignableRequest request;
  std::size_t auth_begin = 0;
};

PresignPlan plan_presign(const SignableRequest& req, const SigningParams& params, std::chrono::seconds expires) {
  PresignPlan plan{req, req.query.size()};
  SignableRequest& out = plan.request;
  // botocore drops its own default form Content-Type (compared exactly), not a caller's.
  if (const std::string* type = find_header(out, "content-type"); type != nullptr && *type == k_form_content_type) {
    std::erase_if(out.headers, [](const auto& header) { return iequals(header.first, "content-type"); });
  }
  const std::string date = amz_date(params.time);
  out.query.emplace_back("X-Amz-Algorithm", std::string(k_algorithm));
  out.query.emplace_back("X-Amz-Credential", params.credentials.access_key_id + "/" + credential_scope(params));
  out.query.emplace_back("X-Amz-Date", date);
  out.query.emplace_back("X-Amz-Expires", std::to_string(expires.count()));
  out.query.emplace_back("X-Amz-SignedHeaders", signed_header_list(headers_to_sign(out)));
  if (!params.credentials.session_token.empty()) {
    out.query.emplace_back("X-Amz-Security-Token", params.credentials.session_token);
  }
  if (out.payload_hash.empty()) {
    out.payload_hash = is_s3(params) ? std::string(k_unsigned_payload) : std::string(k_empty_payload_hash);
  }
  return plan;
}

std::string sign(const SignableRequest& prepared, const SigningParams& params) {
  return signature(string_to_sign(canonical_request(prepared, params), params), params);
}

}  // namespace

std::string sha256_hex(std::string_view data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  if (EVP_Digest(data.data(), data.size(), out, &size, EVP_sha256(), nullptr) != 1) {
    throw std::runtime_error("OpenSSL SHA-256 failed");
  }
  return to_hex(out, size);
}

std::string amz_date(std::chrono::system_clock::time_point t) {
  using namespace std::chrono;
  const auto secs = floor<seconds>(t);
  const auto day = floor<days>(secs);
  const year_month_day ymd{day};
  const hh_mm_ss hms{secs - day};
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d%02u%02uT%02d%02d%02dZ", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                static_cast<int>(hms.hours().count()), static_cast<int>(hms.minutes().count()),
                static_cast<int>(hms.seconds().count()));
  return buf;
}

std::string uri_encode(std::string_view s, bool keep_slash) {
  static constexpr char k_digits[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(s.size() * 3);
  for (const char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    const bool unreserved = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
                            c == '_' || c == '.' || c == '~';
    if (unreserved || (keep_slash && c == '/')) {
      out += ch;
    } else {
      out += '%';
      out += k_digits[c >> 4];
      out += k_digits[c & 0x0f];
    }
  }
  return out;
}

std::string canonical_request(const SignableRequest& req, const SigningParams& params) {
  const auto headers = headers_to_sign(req);
  std::string out = upper(req.method);
  out += '\n';
  out += canonical_uri(req.path, params);
  out += '\n';
  out += canonical_query(req.query);
  out += '\n';
  for (const auto& [name, values] : headers) {
    out += name;
    out += ':';
    for (std::size_t i = 0; i < values.size(); ++i) {
      if (i > 0) out += ',';
      out += values[i];
    }
    out += '\n';
  }
  out += '\n';
  out += signed_header_list(headers);
  out += '\n';
  if (const std::string* declared = find_header(req, "x-amz-content-sha256")) {
    out += *declared;
  } else {
    out += req.payload_hash.empty() ? k_empty_payload_hash : std::string_view(req.payload_hash);
  }
  return out;
}

std::string string_to_sign(std::string_view canonical, const SigningParams& params) {
  std::string out(k_algorithm);
  out += '\n';
  out += amz_date(params.time);
  out += '\n';
  out += credential_scope(params);
  out += '\n';
  out += sha256_hex(canonical);
  return out;
}

std::string signing_key(const SigningParams& params) {
  std::string key = hmac_sha256("AWS4" + params.credentials.secret_access_key, date_stamp(params));
  key = hmac_sha256(key, params.region);
  key = hmac_sha256(key, params.service);
  return hmac_sha256(key, "aws4_request");
}

std::string signature(std::string_view string_to_sign, const SigningParams& params) {
  const std::string mac = hmac_sha256(signing_key(params), string_to_sign);
  return to_hex(reinterpret_cast<const unsigned char*>(mac.data()), mac.size());
}

SignableRequest prepare_for_header_signing(const SignableRequest& req, const SigningParams& params) {
  const HeaderPlan plan = plan_signing_headers(req, params);
  return with_headers_replaced(req, plan.drop, plan.set);
}

std::vector<std::pair<std::string, std::string>> sign_headers(const SignableRequest& req,
                                                              const SigningParams& params) {
  HeaderPlan plan = plan_signing_headers(req, params);
  const SignableRequest prepared = with_headers_replaced(req, plan.drop, plan.set);
  std::string authorization(k_algorithm);
  authorization += " Credential=" + params.credentials.access_key_id + "/" + credential_scope(params);
  authorization += ", SignedHeaders=" + signed_header_list(headers_to_sign(prepared));
  authorization += ", Signature=" + sign(prepared, params);
  plan.set.emplace_back("Authorization", std::move(authorization));
  return std::move(plan.set);
}

SignableRequest prepare_for_presign(const SignableRequest& req, const SigningParams& params,
                                    std::chrono::seconds expires) {
  return plan_presign(req, params, expires).request;
}

std::vector<std::pair<std::string, std::string>> presign_query(const SignableRequest& req,
                                                               const SigningParams& params,
                                                               std::chrono::seconds expires) {
  const PresignPlan plan = plan_presign(req, params, expires);
  Pairs out(plan.request.query.begin() + static_cast<std::ptrdiff_t>(plan.auth_begin), plan.request.query.end());
  out.emplace_back("X-Amz-Signature", sign(plan.request, params));
  return out;
}

}  // namespace spawn::aws::auth
