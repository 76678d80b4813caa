// The host keys an instance printed on its console: which ones spawn connect trusts.
#include "spawn/model/host_keys.hpp"

#include <gtest/gtest.h>

namespace spawn::model {
namespace {

// A real ed25519 key and its fingerprint as `ssh-keygen -l -E sha256` prints it.
constexpr const char* k_key = "AAAAC3NzaC1lZDI1NTE5AAAAIIn2j2kk0+ZNL+eLoyWhMJjnu/oOp2Z9LvItnoCsvtCH";
constexpr const char* k_print = "SHA256:0xm8d8VhZHuPV56UzHiKMONA85fwJvceLSz7T+2G5IU";

TEST(HostKeys, FingerprintAsSshKeygenPrintsIt) {
  EXPECT_EQ(host_key_fingerprint({"ssh-ed25519", k_key}), k_print);
  EXPECT_EQ(host_key_fingerprint({"ssh-ed25519", "@@@"}), "");
}

TEST(HostKeys, BothBlocksWhateverTheLinePrefix) {
  const std::string console = std::string(
      "[   12.3] cloud-init[1566]: Cloud-init v. 22.2.2\n"
      "ec2: -----BEGIN SSH HOST KEY FINGERPRINTS-----\n"
      "ec2: 256 ") + k_print + " no comment (ED25519)\n"
      "ec2: -----END SSH HOST KEY FINGERPRINTS-----\n"
      "-----BEGIN SSH HOST KEY KEYS-----\n"
      "ssh-ed25519 " + k_key + " root@ip-10-0-0-1\n"
      "-----END SSH HOST KEY KEYS-----\n";
  auto found = parse_console_host_keys(console);
  ASSERT_EQ(found.keys.size(), 1u);
  EXPECT_EQ(found.keys[0].type, "ssh-ed25519");
  EXPECT_EQ(found.keys[0].base64, k_key);
  EXPECT_EQ(found.fingerprints, std::vector<std::string>{k_print});
  auto trusted = trusted_host_keys(found);
  ASSERT_TRUE(trusted) << trusted.error();
  EXPECT_EQ(known_hosts_text("i-0abc", *trusted), std::string("i-0abc ssh-ed25519 ") + k_key + "\n");
}

TEST(HostKeys, AContradictionOrNothingIsTrustedNot) {
  ConsoleHostKeys contradicting{{{"ssh-ed25519", k_key}}, {"SHA256:" + std::string(43, 'A')}};
  ASSERT_FALSE(trusted_host_keys(contradicting));
  EXPECT_NE(trusted_host_keys(contradicting).error().find("trusting none"), std::string::npos);
  EXPECT_FALSE(trusted_host_keys({}));
  ConsoleHostKeys prints_only{{}, {k_print}};
  EXPECT_NE(trusted_host_keys(prints_only).error().find("fingerprints but no keys"), std::string::npos);
  // Keys alone (no fingerprint block) come from the same console: trusted.
  EXPECT_TRUE(trusted_host_keys({{{"ssh-ed25519", k_key}}, {}}));
}

TEST(HostKeys, AnUnfinishedBlockCountsForNothingAndTheLastBlockWins) {
  auto cut = parse_console_host_keys(std::string("-----BEGIN SSH HOST KEY KEYS-----\nssh-ed25519 ") + k_key + "\n");
  EXPECT_TRUE(cut.keys.empty());
  auto two = parse_console_host_keys(
      "-----BEGIN SSH HOST KEY KEYS-----\nssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQC7\n-----END SSH HOST KEY KEYS-----\n"
      "-----BEGIN SSH HOST KEY KEYS-----\nssh-ed25519 " + std::string(k_key) + "\n-----END SSH HOST KEY KEYS-----\n");
  ASSERT_EQ(two.keys.size(), 1u);
  EXPECT_EQ(two.keys[0].type, "ssh-ed25519");
}

TEST(HostKeys, ScannedKeysKeptOnlyWhenPrinted) {
  std::vector<HostKey> scanned{{"ssh-ed25519", k_key}, {"ssh-rsa", "AAAAB3NzaC1yc2EAAAADAQABAAABAQC7"}};
  auto kept = keys_matching(scanned, {k_print});
  ASSERT_EQ(kept.size(), 1u);
  EXPECT_EQ(kept[0].type, "ssh-ed25519");
}

}  // namespace
}  // namespace spawn::model
