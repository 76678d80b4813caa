#include "spawn/aws/config/shared_files.hpp"

#include <gtest/gtest.h>

#include "../../support/shared_files_from_text.hpp"
#include "../../support/temp_dir.hpp"

using spawn::aws::config::fixed_environment;
using spawn::aws::config::is_true;
using spawn::aws::config::lookup;
using spawn::aws::config::positive_int;
using spawn::aws::config::Setting;
using spawn::aws::config::SharedFiles;
using spawn::test::shared_files;
using spawn::test::TempDir;

TEST(SharedFiles, ConfigProfilesNeedThePrefixExceptDefault) {
  auto files = shared_files(
      "[default]\nregion = a\n"
      "[profile dev]\nregion = b\n"
      "[prod]\nregion = c\n"                       // not a profile in the config file
      "[profile \"my team\"]\nregion = d\n"        // a quoted name, read like a shell word
      "[profile x y]\nregion = e\n"                // three words: no profile
      "[profiles]\nregion = f\n");
  EXPECT_EQ(files->profile("default").get("region")->value, "a");
  EXPECT_EQ(files->profile("dev").get("region")->value, "b");
  EXPECT_FALSE(files->profile("prod").exists());
  EXPECT_EQ(files->profile("my team").get("region")->value, "d");
  EXPECT_FALSE(files->profile("x y").exists());
  EXPECT_FALSE(files->profile("x").exists());
  EXPECT_EQ(files->config_section("profiles"), nullptr);
}

TEST(SharedFiles, LaterSectionWinsWhenDefaultIsWrittenBothWays) {
  auto files = shared_files("[profile default]\nregion = first\n[default]\nregion = second\n");
  EXPECT_EQ(files->profile("default").get("region")->value, "second");
}

TEST(SharedFiles, CredentialsFileSectionsAreBareNames) {
  auto files = shared_files("", "[default]\naws_access_key_id = A\n[profile dev]\naws_access_key_id = B\n");
  EXPECT_NE(files->credentials_section("default"), nullptr);
  EXPECT_EQ(files->credentials_section("dev"), nullptr);
  EXPECT_NE(files->credentials_section("profile dev"), nullptr);  // literally named so
}

TEST(SharedFiles, CredentialsFileWinsKeyByKeyInTheMergedProfile) {
  auto files = shared_files("[profile dev]\nregion = eu-west-1\noutput = json\n",
                            "[dev]\nregion = us-west-2\naws_access_key_id = A\n");
  auto dev = files->profile("dev");
  EXPECT_TRUE(dev.exists());
  auto region = dev.get("region");
  EXPECT_EQ(region->value, "us-west-2");
  EXPECT_EQ(region->origin, "region in profile dev (/test/credentials)");
  EXPECT_EQ(dev.get("output")->origin, "output in profile dev (/test/config)");
  EXPECT_FALSE(dev.get("missing"));
  // Only in the credentials file still counts as existing.
  EXPECT_TRUE(shared_files("", "[ci]\nregion = x\n")->profile("ci").exists());
}

TEST(SharedFiles, ServicesSections) {
  auto files = shared_files("[profile dev]\nservices = local\n[services local]\nec2 =\n  endpoint_url = http://localhost:5000\n");
  const auto* s = files->services_section("local");
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(s->find("ec2")->sub_properties->at("endpoint_url"), "http://localhost:5000");
  EXPECT_EQ(files->services_section("other"), nullptr);
  EXPECT_FALSE(files->profile("local").exists());
}

TEST(SharedFiles, LoadReadsThePathsFromTheEnvironment) {
  TempDir dir;
  dir.write("cfg", "[profile dev]\nregion = eu-west-1\n");
  dir.write("creds", "[dev]\naws_access_key_id = A\naws_secret_access_key = S\n");
  auto files = SharedFiles::load(fixed_environment({{"AWS_CONFIG_FILE", dir.file("cfg")},
                                                    {"AWS_SHARED_CREDENTIALS_FILE", dir.file("creds")},
                                                    {"HOME", "/nonexistent-home"}}));
  ASSERT_TRUE(files) << files.error().message;
  EXPECT_EQ(files->config_path(), dir.file("cfg"));
  EXPECT_EQ(files->credentials_path(), dir.file("creds"));
  EXPECT_EQ(files->profile("dev").get("region")->value, "eu-west-1");
  EXPECT_NE(files->credentials_section("dev"), nullptr);
}

TEST(SharedFiles, DefaultPathsAreUnderHomeAndExpandVariables) {
  TempDir dir;
  std::filesystem::create_directory(dir.file(".aws"));
  dir.write(".aws/config", "[default]\nregion = ap-south-1\n");
  dir.write("alt-creds", "[default]\naws_access_key_id = A\n");
  auto files = SharedFiles::load(fixed_environment(
      {{"HOME", dir.path()}, {"AWS_SHARED_CREDENTIALS_FILE", "${HOME}/alt-creds"}}));
  ASSERT_TRUE(files) << files.error().message;
  EXPECT_EQ(files->config_path(), dir.path() + "/.aws/config");
  EXPECT_EQ(files->credentials_path(), dir.path() + "/alt-creds");
  EXPECT_EQ(files->profile("default").get("region")->value, "ap-south-1");
  auto tilde = SharedFiles::load(fixed_environment({{"HOME", dir.path()}, {"AWS_CONFIG_FILE", "~/.aws/config"}}));
  ASSERT_TRUE(tilde);
  EXPECT_EQ(tilde->config_path(), dir.path() + "/.aws/config");
}

TEST(SharedFiles, MissingFilesAndMissingHomeAreEmpty) {
  TempDir dir;
  auto files = SharedFiles::load(fixed_environment({{"HOME", dir.path()}}));
  ASSERT_TRUE(files);
  EXPECT_FALSE(files->profile("default").exists());
  // No HOME and no variables: nothing is read at all (never the real ~/.aws).
  auto none = SharedFiles::load(fixed_environment({}));
  ASSERT_TRUE(none);
  EXPECT_EQ(none->config_path(), "");
  // A directory is not a file.
  auto dir_as_file = SharedFiles::load(fixed_environment({{"AWS_CONFIG_FILE", dir.path()}, {"HOME", dir.path()}}));
  ASSERT_TRUE(dir_as_file);
  EXPECT_FALSE(dir_as_file->profile("default").exists());
}

TEST(SharedFiles, ParseErrorsNameTheFile) {
  TempDir dir;
  dir.write("cfg", "region = x\n");
  auto files = SharedFiles::load(fixed_environment({{"AWS_CONFIG_FILE", dir.file("cfg")}, {"HOME", dir.path()}}));
  ASSERT_FALSE(files);
  EXPECT_EQ(files.error().code, "InvalidConfig");
  EXPECT_NE(files.error().message.find(dir.file("cfg") + ", line 1"), std::string::npos);
}

TEST(SharedFiles, LookupPrefersTheEnvironment) {
  auto files = shared_files("[default]\nmax_attempts = 5\n");
  auto profile = files->profile("default");
  auto from_env = lookup(fixed_environment({{"AWS_MAX_ATTEMPTS", "7"}}), "AWS_MAX_ATTEMPTS", profile, "max_attempts");
  EXPECT_EQ(from_env->value, "7");
  EXPECT_EQ(from_env->origin, "AWS_MAX_ATTEMPTS");
  auto from_file = lookup(fixed_environment({{"AWS_MAX_ATTEMPTS", ""}}), "AWS_MAX_ATTEMPTS", profile, "max_attempts");
  EXPECT_EQ(from_file->value, "5");
  EXPECT_FALSE(lookup(fixed_environment({}), "AWS_RETRY_MODE", profile, "retry_mode"));
}

TEST(SharedFiles, TypedValues) {
  EXPECT_EQ(*positive_int(Setting{"12", "X"}), 12);
  for (const char* bad : {"0", "-1", "1.5", "two", "3 ", "99999999999"}) {
    auto r = positive_int(Setting{bad, "AWS_MAX_ATTEMPTS"});
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.error().code, "InvalidConfig");
    EXPECT_NE(r.error().message.find("AWS_MAX_ATTEMPTS"), std::string::npos);
  }
  EXPECT_TRUE(is_true("true"));
  EXPECT_TRUE(is_true("TRUE"));
  EXPECT_FALSE(is_true("1"));
  EXPECT_FALSE(is_true("yes"));
}
