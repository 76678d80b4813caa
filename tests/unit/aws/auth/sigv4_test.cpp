#include "spawn/aws/auth/sigv4.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

using namespace spawn::aws::auth;
using std::chrono::seconds;
using std::chrono::system_clock;

namespace {

using Pairs = std::vector<std::pair<std::string, std::string>>;

const system_clock::time_point k_suite_time{seconds{1440938160}};  // 2015-08-30T12:36:00Z
const system_clock::time_point k_s3_docs_time{seconds{1369353600}};  // 2013-05-24T00:00:00Z
constexpr const char* k_suite_scope = "20150830/us-east-1/service/aws4_request";

// The credentials, region and service of AWS's SigV4 test suite.
SigningParams suite_params() {
  SigningParams p;
  p.service = "service";
  p.region = "us-east-1";
  p.credentials.access_key_id = "AKIDEXAMPLE";
  p.credentials.secret_access_key = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
  p.time = k_suite_time;
  return p;
}

// The S3 documentation's examples (Authenticating Requests: AWS Signature Version 4).
SigningParams s3_docs_params() {
  SigningParams p;
  p.service = "s3";
  p.region = "us-east-1";
  p.credentials.access_key_id = "AKIAIOSFODNN7EXAMPLE";
  p.credentials.secret_access_key = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
  p.time = k_s3_docs_time;
  p.double_encode_path = false;
  return p;
}

std::string header(const Pairs& headers, const std::string& name) {
  for (const auto& [k, v] : headers) {
    if (k == name) return v;
  }
  return "<missing " + name + ">";
}

// Lines [first, first + count) of text, joined with '\n'.
std::string lines(const std::string& text, std::size_t first, std::size_t count) {
  std::vector<std::string> all;
  std::size_t start = 0;
  while (true) {
    const std::size_t end = text.find('\n', start);
    all.push_back(text.substr(start, end == std::string::npos ? std::string::npos : end - start));
    if (end == std::string::npos) break;
    start = end + 1;
  }
  std::string out;
  for (std::size_t i = first; i < first + count && i < all.size(); ++i) {
    if (i > first) out += '\n';
    out += all[i];
  }
  return out;
}

std::string hex(const std::string& bytes) {
  static constexpr char k_digits[] = "0123456789abcdef";
  std::string out;
  for (const unsigned char c : bytes) {
    out += k_digits[c >> 4];
    out += k_digits[c & 0x0f];
  }
  return out;
}

// One case of the AWS SigV4 test suite (aws-c-auth tests/aws-signing-test-suite/v4), signed
// through the header path; host and x-amz-date are the suite's and are added here.
struct SuiteCase {
  const char* name;
  const char* method;
  const char* path;
  Pairs query;
  Pairs headers;
  bool double_encode_path;
  const char* canonical_uri_and_query;  // the 2nd and 3rd lines of the canonical request
  const char* signed_headers;
  const char* signature;
};

const std::vector<SuiteCase>& suite_cases() {
  static const std::vector<SuiteCase> cases = {
      {"get-vanilla", "GET", "/", {}, {}, true, "/\n", "host;x-amz-date",
       "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"},
      {"post-vanilla", "POST", "/", {}, {}, true, "/\n", "host;x-amz-date",
       "5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b"},
      {"get-vanilla-query-order-key-case", "GET", "/", {{"Param2", "value2"}, {"Param1", "value1"}}, {}, true,
       "/\nParam1=value1&Param2=value2", "host;x-amz-date",
       "b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500"},
      {"get-vanilla-empty-query-key", "GET", "/", {{"Param1", "value1"}}, {}, true, "/\nParam1=value1",
       "host;x-amz-date", "a67d582fa61cc504c4bae71f336f98b97f1ea3c7a6bfe1b6e45aec72011b9aeb"},
      {"get-vanilla-query-unreserved", "GET", "/",
       {{"-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz",
         "-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"}},
       {}, true,
       "/\n-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz="
       "-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz",
       "host;x-amz-date", "9c3e54bfcdf0b19771a7f523ee5669cdf59bc7cc0884027167c21bb143a40197"},
      {"get-vanilla-utf8-query", "GET", "/", {{"\xe1\x88\xb4", "bar"}}, {}, true, "/\n%E1%88%B4=bar",
       "host;x-amz-date", "2cdec8eed098649ff3a119c94853b13c643bcf08f8b0a1d91e12c9027818dd04"},
      {"get-utf8", "GET", "/\xe1\x88\xb4", {}, {}, true, "/%E1%88%B4\n", "host;x-amz-date",
       "8318018e0b0f223aa2bbf98705b62bb787dc9c0e678f255a891fd03141be5d85"},
      {"get-space-normalized", "GET", "/example space/", {}, {}, true, "/example%20space/\n", "host;x-amz-date",
       "652487583200325589f1fba4c7e578f72c47cb61beeca81406b39ddec1366741"},
      // S3 style: the wire path is used as it is, so it arrives encoded once.
      {"get-space-unnormalized", "GET", "/example%20space/", {}, {}, false, "/example%20space/\n",
       "host;x-amz-date", "652487583200325589f1fba4c7e578f72c47cb61beeca81406b39ddec1366741"},
      {"get-slashes-normalized", "GET", "//example//", {}, {}, true, "/example/\n", "host;x-amz-date",
       "9a624bd73a37c9a373b5312afbebe7a714a789de108f0bdfe846570885f57e84"},
      {"get-slashes-unnormalized", "GET", "//example//", {}, {}, false, "//example//\n", "host;x-amz-date",
       "87cca117541a147f6df867677d98a7d80dff226d2bfca9e4ffa899665623c7e5"},
      {"get-relative-relative-normalized", "GET", "/example1/example2/../..", {}, {}, true, "/\n",
       "host;x-amz-date", "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"},
      {"get-header-value-trim", "GET", "/", {}, {{"My-Header1", " value1"}, {"My-Header2", "\"a   b   c\""}}, true,
       "/\n", "host;my-header1;my-header2;x-amz-date",
       "acc3ed3afb60bb290fc8d2dd0098b9911fcaa05412b367055dee359757a9c736"},
      {"get-header-key-duplicate", "GET", "/", {},
       {{"My-Header1", "value2"}, {"My-Header1", "value2"}, {"My-Header1", "value1"}}, true, "/\n",
       "host;my-header1;x-amz-date", "c9d5ea9f3f72853aea855b47ea873832890dbdd183b4468f858259531a5138ea"},
      {"post-header-value-case", "POST", "/", {}, {{"My-Header1", "VALUE1"}}, true, "/\n",
       "host;my-header1;x-amz-date", "cdbc9802e29d2942e5e10b5bccfdd67c5f22c7c4e8ae67b53629efa58b974b7d"},
  };
  return cases;
}

}  // namespace

TEST(Sigv4Helpers, Sha256AmzDateAndUriEncode) {
  EXPECT_EQ(sha256_hex(""), k_empty_payload_hash);
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(amz_date(k_suite_time), "20150830T123600Z");
  EXPECT_EQ(amz_date(k_suite_time + std::chrono::milliseconds(999)), "20150830T123600Z");
  EXPECT_EQ(amz_date(system_clock::time_point{}), "19700101T000000Z");
  EXPECT_EQ(uri_encode("a b/c~d-e_f.g", true), "a%20b/c~d-e_f.g");
  EXPECT_EQ(uri_encode("a b/c", false), "a%20b%2Fc");
  EXPECT_EQ(uri_encode("!*'()+=&%\xc3\xa9", false), "%21%2A%27%28%29%2B%3D%26%25%C3%A9");
}

TEST(Sigv4Steps, GetVanillaEachStep) {
  const SigningParams params = suite_params();
  const SignableRequest req{"GET", "/", {}, {{"Host", "example.amazonaws.com"}, {"X-Amz-Date", "20150830T123600Z"}}, ""};
  const std::string canonical = canonical_request(req, params);
  EXPECT_EQ(canonical,
            "GET\n/\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\nhost;x-amz-date\n"
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  const std::string to_sign = string_to_sign(canonical, params);
  EXPECT_EQ(to_sign,
            "AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/service/aws4_request\n"
            "bb579772317eb040ac9ed261061d46c1f17a8133879d6129b6e1c25292927e63");
  EXPECT_EQ(signature(to_sign, params), "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31");
}

TEST(Sigv4Steps, IamListUsersDocsExample) {
  SigningParams params = suite_params();
  params.service = "iam";
  const SignableRequest req{"GET",
                            "/",
                            {{"Version", "2010-05-08"}, {"Action", "ListUsers"}},
                            {{"Content-Type", "application/x-www-form-urlencoded; charset=utf-8"},
                             {"Host", "iam.amazonaws.com"},
                             {"X-Amz-Date", "20150830T123600Z"}},
                            std::string(k_empty_payload_hash)};
  const std::string canonical = canonical_request(req, params);
  EXPECT_EQ(canonical,
            "GET\n/\nAction=ListUsers&Version=2010-05-08\n"
            "content-type:application/x-www-form-urlencoded; charset=utf-8\nhost:iam.amazonaws.com\n"
            "x-amz-date:20150830T123600Z\n\ncontent-type;host;x-amz-date\n"
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(sha256_hex(canonical), "f536975d06c0309214f805bb90ccff089219ecd68b2577efef23edd43b7e1a59");
  const std::string to_sign = string_to_sign(canonical, params);
  EXPECT_EQ(to_sign,
            "AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/iam/aws4_request\n"
            "f536975d06c0309214f805bb90ccff089219ecd68b2577efef23edd43b7e1a59");
  EXPECT_EQ(hex(signing_key(params)), "c4afb1cc5771d871763a393e44b703571b55cc28424d1a5e86da6ed3c154a4b9");
  EXPECT_EQ(signature(to_sign, params), "5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7");
}

TEST(Sigv4Suite, AwsTestSuiteCasesThroughSignHeaders) {
  for (const SuiteCase& c : suite_cases()) {
    SCOPED_TRACE(c.name);
    SigningParams params = suite_params();
    params.double_encode_path = c.double_encode_path;
    SignableRequest req{c.method, c.path, c.query, {{"Host", "example.amazonaws.com"}}, ""};
    req.headers.insert(req.headers.end(), c.headers.begin(), c.headers.end());

    const SignableRequest prepared = prepare_for_header_signing(req, params);
    const std::string canonical = canonical_request(prepared, params);
    EXPECT_EQ(lines(canonical, 1, 2), c.canonical_uri_and_query);
    const std::string to_sign = string_to_sign(canonical, params);
    EXPECT_EQ(to_sign.substr(0, to_sign.rfind('\n')),
              std::string("AWS4-HMAC-SHA256\n20150830T123600Z\n") + k_suite_scope);
    EXPECT_EQ(signature(to_sign, params), c.signature);

    const auto added = sign_headers(req, params);
    ASSERT_EQ(added.size(), 2u);
    EXPECT_EQ(added[0], (std::pair<std::string, std::string>{"X-Amz-Date", "20150830T123600Z"}));
    EXPECT_EQ(added[1].first, "Authorization");
    EXPECT_EQ(added[1].second, std::string("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/") + k_suite_scope +
                                   ", SignedHeaders=" + c.signed_headers + ", Signature=" + c.signature);
  }
}

TEST(Sigv4Suite, HeaderValuesAreTrimmedAndJoinedInOrder) {
  const SigningParams params = suite_params();
  const SignableRequest req{"GET",
                            "/",
                            {},
                            {{"Host", "example.amazonaws.com"},
                             {"My-Header1", " value1"},
                             {"My-Header2", "\"a   b   c\""},
                             {"my-header1", "\tx \t y\xc2\xa0"},
                             {"X-Amz-Date", "20150830T123600Z"}},
                            ""};
  EXPECT_EQ(canonical_request(req, params),
            "GET\n/\n\nhost:example.amazonaws.com\nmy-header1:value1,x y\nmy-header2:\"a b c\"\n"
            "x-amz-date:20150830T123600Z\n\nhost;my-header1;my-header2;x-amz-date\n"
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST(Sigv4Suite, SessionTokenIsSignedAsAHeader) {
  SigningParams params = suite_params();
  params.credentials.session_token = "6e86291e8372ff2a2260956d9b8aae1d763fbf315fa00fa31553b73ebf194267";
  const SignableRequest req{"GET", "/", {}, {{"Host", "example.amazonaws.com"}}, ""};
  const auto added = sign_headers(req, params);
  ASSERT_EQ(added.size(), 3u);
  EXPECT_EQ(header(added, "X-Amz-Security-Token"), params.credentials.session_token);
  EXPECT_EQ(header(added, "Authorization"),
            std::string("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/") + k_suite_scope +
                ", SignedHeaders=host;x-amz-date;x-amz-security-token, "
                "Signature=07ec1639c89043aa0e3e2de82b96708f198cceab042d4a97044c66dd9f74e7f8");
}

TEST(Sigv4Headers, S3GetObjectDocsExample) {
  const SigningParams params = s3_docs_params();
  const SignableRequest req{
      "GET", "/test.txt", {}, {{"Host", "examplebucket.s3.amazonaws.com"}, {"Range", "bytes=0-9"}}, ""};
  const SignableRequest prepared = prepare_for_header_signing(req, params);
  const std::string canonical = canonical_request(prepared, params);
  EXPECT_EQ(canonical,
            "GET\n/test.txt\n\nhost:examplebucket.s3.amazonaws.com\nrange:bytes=0-9\n"
            "x-amz-content-sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\n"
            "x-amz-date:20130524T000000Z\n\nhost;range;x-amz-content-sha256;x-amz-date\n"
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(string_to_sign(canonical, params),
            "AWS4-HMAC-SHA256\n20130524T000000Z\n20130524/us-east-1/s3/aws4_request\n"
            "7344ae5b7ee6c3e7e6b0fe0640412a37625d1fbfff95c48bbb2dc43964946972");
  const auto added = sign_headers(req, params);
  EXPECT_EQ(added, (Pairs{{"X-Amz-Date", "20130524T000000Z"},
                          {"X-Amz-Content-SHA256", std::string(k_empty_payload_hash)},
                          {"Authorization",
                           "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, "
                           "SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, "
                           "Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41"}}));
}

TEST(Sigv4Headers, S3PathIsNeitherNormalisedNorEncodedAgain) {
  SigningParams params = s3_docs_params();
  const SignableRequest req{"PUT", "/bucket/a%20b//../c~%C3%A9", {}, {{"Host", "s3.amazonaws.com"}}, ""};
  const std::string canonical = canonical_request(prepare_for_header_signing(req, params), params);
  EXPECT_EQ(lines(canonical, 0, 2), "PUT\n/bucket/a%20b//../c~%C3%A9");
  params.service = "ec2";
  params.double_encode_path = true;
  const std::string ec2 = canonical_request(prepare_for_header_signing(req, params), params);
  EXPECT_EQ(lines(ec2, 0, 2), "PUT\n/bucket/c~%25C3%25A9");
}

TEST(Sigv4Headers, StaleSigningHeadersAreReplacedAndUnsignedOnesSkipped) {
  SigningParams params = suite_params();
  params.credentials.session_token = "new-token";
  const SignableRequest req{"GET",
                            "/",
                            {},
                            {{"Host", "example.amazonaws.com"},
                             {"authorization", "AWS4-HMAC-SHA256 stale"},
                             {"x-amz-date", "20000101T000000Z"},
                             {"X-AMZ-SECURITY-TOKEN", "old-token"},
                             {"User-Agent", "spawn/0.1"},
                             {"Expect", "100-continue"},
                             {"X-Amzn-Trace-Id", "Root=1-abc"}},
                            ""};
  const SignableRequest prepared = prepare_for_header_signing(req, params);
  EXPECT_EQ(prepared.headers, (Pairs{{"Host", "example.amazonaws.com"},
                                     {"User-Agent", "spawn/0.1"},
                                     {"Expect", "100-continue"},
                                     {"X-Amzn-Trace-Id", "Root=1-abc"},
                                     {"X-Amz-Date", "20150830T123600Z"},
                                     {"X-Amz-Security-Token", "new-token"}}));
  const auto added = sign_headers(req, params);
  EXPECT_NE(header(added, "Authorization").find("SignedHeaders=host;x-amz-date;x-amz-security-token,"),
            std::string::npos);
}

TEST(Sigv4Headers, UnsignedPayloadIsDeclaredInAHeader) {
  const SigningParams params = suite_params();
  const SignableRequest req{
      "POST", "/", {}, {{"Host", "example.amazonaws.com"}}, std::string(k_unsigned_payload)};
  const auto added = sign_headers(req, params);
  EXPECT_EQ(header(added, "X-Amz-Content-SHA256"), "UNSIGNED-PAYLOAD");
  const std::string canonical = canonical_request(prepare_for_header_signing(req, params), params);
  EXPECT_EQ(canonical.substr(canonical.rfind('\n') + 1), "UNSIGNED-PAYLOAD");
}

TEST(Sigv4Headers, DateHeaderIsReplacedInsteadOfAddingXAmzDate) {
  const SigningParams params = suite_params();
  const SignableRequest req{"GET", "/", {}, {{"Host", "example.amazonaws.com"}, {"Date", "yesterday"}}, ""};
  const auto added = sign_headers(req, params);
  ASSERT_EQ(added.size(), 2u);
  EXPECT_EQ(added[0], (std::pair<std::string, std::string>{"Date", "Sun, 30 Aug 2015 12:36:00 -0000"}));
  EXPECT_NE(added[1].second.find("SignedHeaders=date;host,"), std::string::npos);
}

TEST(Sigv4Presign, S3PresignedGetDocsExample) {
  const SigningParams params = s3_docs_params();
  const SignableRequest req{"GET", "/test.txt", {}, {{"Host", "examplebucket.s3.amazonaws.com"}}, ""};
  const SignableRequest prepared = prepare_for_presign(req, params, seconds{86400});
  const std::string canonical = canonical_request(prepared, params);
  EXPECT_EQ(canonical,
            "GET\n/test.txt\n"
            "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2F"
            "aws4_request&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host\n"
            "host:examplebucket.s3.amazonaws.com\n\nhost\nUNSIGNED-PAYLOAD");
  const std::string to_sign = string_to_sign(canonical, params);
  EXPECT_EQ(to_sign,
            "AWS4-HMAC-SHA256\n20130524T000000Z\n20130524/us-east-1/s3/aws4_request\n"
            "3bfa292879f6447bbcda7001decf97f4a54dc650c8942174ae0a9121cf58ad04");
  EXPECT_EQ(signature(to_sign, params), "aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404");
  EXPECT_EQ(presign_query(req, params, seconds{86400}),
            (Pairs{{"X-Amz-Algorithm", "AWS4-HMAC-SHA256"},
                   {"X-Amz-Credential", "AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request"},
                   {"X-Amz-Date", "20130524T000000Z"},
                   {"X-Amz-Expires", "86400"},
                   {"X-Amz-SignedHeaders", "host"},
                   {"X-Amz-Signature", "aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404"}}));
}

TEST(Sigv4Presign, SessionTokenIsASignedQueryParameterBeforeTheSignature) {
  SigningParams params = s3_docs_params();
  params.credentials.session_token = "tok/en+=";
  const SignableRequest req{
      "GET", "/test.txt", {{"versionId", "3"}}, {{"Host", "examplebucket.s3.amazonaws.com"}}, ""};
  const auto query = presign_query(req, params, seconds{3600});
  ASSERT_EQ(query.size(), 7u);
  EXPECT_EQ(query[5], (std::pair<std::string, std::string>{"X-Amz-Security-Token", "tok/en+="}));
  EXPECT_EQ(query[6].first, "X-Amz-Signature");
  const std::string canonical = canonical_request(prepare_for_presign(req, params, seconds{3600}), params);
  EXPECT_NE(canonical.find("&X-Amz-Security-Token=tok%2Fen%2B%3D&X-Amz-SignedHeaders=host&versionId=3\n"),
            std::string::npos);
}

TEST(Sigv4Presign, OtherServicesHashTheEmptyBodyAndDropTheFormContentType) {
  const SigningParams params = suite_params();
  const SignableRequest req{"GET",
                            "/",
                            {{"Action", "ListUsers"}},
                            {{"Host", "example.amazonaws.com"},
                             {"Content-Type", "application/x-www-form-urlencoded; charset=utf-8"}},
                            ""};
  const SignableRequest prepared = prepare_for_presign(req, params, seconds{60});
  EXPECT_EQ(prepared.headers, (Pairs{{"Host", "example.amazonaws.com"}}));
  EXPECT_EQ(prepared.payload_hash, k_empty_payload_hash);
  EXPECT_EQ(prepared.query.front(), (std::pair<std::string, std::string>{"Action", "ListUsers"}));
  EXPECT_EQ(header(prepared.query, "X-Amz-Expires"), "60");
}
