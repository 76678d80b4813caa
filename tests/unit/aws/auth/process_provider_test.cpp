#include "spawn/aws/auth/process_provider.hpp"

#include <gtest/gtest.h>

#include <filesystem>

#include "../../support/shared_files_from_text.hpp"
#include "../../support/temp_dir.hpp"
#include "spawn/util/time.hpp"

using spawn::aws::auth::make_process_provider;
using spawn::aws::auth::ProcessOptions;
using spawn::test::shared_files;
using spawn::test::TempDir;

namespace {

// A helper script printing a Version 1 document whose AccessKeyId is its first argument.
const char* k_echo_helper =
    "#!/bin/sh\n"
    "printf '{\"Version\": 1, \"AccessKeyId\": \"%s\", \"SecretAccessKey\": \"secret\", "
    "\"SessionToken\": \"token\", \"Expiration\": \"2030-01-02T03:04:05Z\"}' \"$1\"\n";

}  // namespace

TEST(ProcessProvider, RunsTheCommandWithShellLikeWordsAndReadsItsJson) {
  TempDir dir;
  std::string helper = dir.write("my helper.sh", k_echo_helper, 0755);
  auto files = shared_files("[profile dev]\ncredential_process = sh '" + helper + "' \"two words\"\n");
  auto c = make_process_provider(files, "dev")->get();
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->access_key_id, "two words");
  EXPECT_EQ(c->secret_access_key, "secret");
  EXPECT_EQ(c->session_token, "token");
  EXPECT_EQ(spawn::util::format_rfc3339(*c->expiration), "2030-01-02T03:04:05Z");
  EXPECT_EQ(c->source, "credential_process (profile dev)");
}

TEST(ProcessProvider, NoShellRunsTheLine) {
  TempDir dir;
  std::string helper = dir.write("helper.sh", k_echo_helper, 0755);
  std::string marker = dir.file("injected");
  auto files = shared_files("[default]\ncredential_process = sh " + helper + " $HOME;touch " + marker + "\n");
  auto c = make_process_provider(files, "default")->get();
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->access_key_id, "$HOME;touch");
  EXPECT_FALSE(std::filesystem::exists(marker));
}

TEST(ProcessProvider, CredentialsFileValueWinsOverConfig) {
  TempDir dir;
  std::string helper = dir.write("helper.sh", k_echo_helper, 0755);
  auto files = shared_files("[default]\ncredential_process = sh " + helper + " from-config\n",
                            "[default]\ncredential_process = sh " + helper + " from-credentials\n");
  EXPECT_EQ(make_process_provider(files, "default")->get()->access_key_id, "from-credentials");
}

TEST(ProcessProvider, RunsAgainAtEachGet) {
  TempDir dir;
  std::string counter = dir.file("count");
  std::string helper = dir.write("counting.sh",
                                 "#!/bin/sh\necho x >> '" + counter + "'\n"
                                 "n=$(wc -l < '" + counter + "' | tr -d ' ')\n"
                                 "printf '{\"Version\":1,\"AccessKeyId\":\"K%s\",\"SecretAccessKey\":\"s\"}' \"$n\"\n",
                                 0755);
  auto p = make_process_provider(shared_files("[default]\ncredential_process = sh " + helper + "\n"), "default");
  EXPECT_EQ(p->get()->access_key_id, "K1");
  EXPECT_EQ(p->get()->access_key_id, "K2");
}

TEST(ProcessProvider, NotFoundWithoutCredentialProcess) {
  auto c = make_process_provider(shared_files("[default]\nregion = us-east-1\n"), "default")->get();
  ASSERT_FALSE(c);
  EXPECT_EQ(c.error().code, "CredentialsNotFound");
  EXPECT_EQ(c.error().message, "credential_process: not set in profile default");
}

TEST(ProcessProvider, FailingCommandReportsStatusAndStderr) {
  TempDir dir;
  std::string helper = dir.write("fail.sh", "#!/bin/sh\necho 'token expired, run sso login' >&2\nexit 2\n", 0755);
  auto c = make_process_provider(shared_files("[default]\ncredential_process = sh " + helper + "\n"), "default")->get();
  ASSERT_FALSE(c);
  EXPECT_EQ(c.error().code, "CredentialsError");
  EXPECT_NE(c.error().message.find("exited with status 2: token expired, run sso login"), std::string::npos)
      << c.error().message;
}

TEST(ProcessProvider, BadOutputIsAnError) {
  TempDir dir;
  std::string v2 = dir.write("v2.sh", "#!/bin/sh\necho '{\"Version\": 2, \"AccessKeyId\": \"A\", \"SecretAccessKey\": \"s\"}'\n", 0755);
  std::string junk = dir.write("junk.sh", "#!/bin/sh\necho 'hello'\n", 0755);
  auto files = shared_files("[profile v2]\ncredential_process = sh " + v2 + "\n[profile junk]\ncredential_process = sh " + junk + "\n");
  auto a = make_process_provider(files, "v2")->get();
  ASSERT_FALSE(a);
  EXPECT_NE(a.error().message.find("unsupported Version 2"), std::string::npos);
  auto b = make_process_provider(files, "junk")->get();
  ASSERT_FALSE(b);
  EXPECT_NE(b.error().message.find("not a JSON object"), std::string::npos);
}

TEST(ProcessProvider, SlowCommandTimesOut) {
  TempDir dir;
  std::string helper = dir.write("slow.sh", "#!/bin/sh\nexec sleep 10\n", 0755);
  ProcessOptions options;
  options.timeout = std::chrono::milliseconds(200);
  auto c = make_process_provider(shared_files("[default]\ncredential_process = sh " + helper + "\n"), "default", options)->get();
  ASSERT_FALSE(c);
  EXPECT_EQ(c.error().code, "CredentialsError");
  EXPECT_NE(c.error().message.find("did not finish"), std::string::npos);
}

TEST(ProcessProvider, UnrunnableOrUnsplittableCommandIsAnError) {
  auto files = shared_files("[profile missing]\ncredential_process = /nonexistent/helper --x\n"
                            "[profile quote]\ncredential_process = helper 'unclosed\n");
  auto missing = make_process_provider(files, "missing")->get();
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, "CredentialsError");
  EXPECT_NE(missing.error().message.find("/nonexistent/helper"), std::string::npos);
  auto quote = make_process_provider(files, "quote")->get();
  ASSERT_FALSE(quote);
  EXPECT_EQ(quote.error().code, "CredentialsError");
  EXPECT_NE(quote.error().message.find("credential_process in profile quote (/test/config)"), std::string::npos)
      << quote.error().message;
}
