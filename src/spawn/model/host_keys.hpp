#pragma once
// The SSH host keys an instance printed on its console at first boot (cloud-init's "SSH HOST KEY
// KEYS" and "SSH HOST KEY FINGERPRINTS" blocks): what `spawn connect` trusts, and nothing else.
// Pure.
#include <string>
#include <string_view>
#include <vector>

#include "spawn/util/expected.hpp"

namespace spawn::model {

struct HostKey {
  std::string type;    // "ssh-ed25519", "ecdsa-sha2-nistp256", "ssh-rsa", ...
  std::string base64;  // the public key blob as in known_hosts
};

struct ConsoleHostKeys {
  std::vector<HostKey> keys;                // the KEYS block (the last one printed)
  std::vector<std::string> fingerprints;    // "SHA256:..." of the FINGERPRINTS block (the last one)
};

// Reads both blocks from console text, whatever prefix each line carries ("ec2: ", a timestamp).
ConsoleHostKeys parse_console_host_keys(std::string_view console);

// "SHA256:<base64 of SHA-256 of the blob, unpadded>", as ssh-keygen -l prints it; "" when the
// blob is not base64.
std::string host_key_fingerprint(const HostKey& key);

// The keys to trust: those of the KEYS block, each one listed in the FINGERPRINTS block when
// the console printed one. An error (a sentence) when a key's fingerprint is missing from it
// (the console contradicts itself: trust nothing), or when the console has no key at all.
expected<std::vector<HostKey>, std::string> trusted_host_keys(const ConsoleHostKeys& console);

// Of keys (from ssh-keyscan, say), those whose fingerprint the console printed.
std::vector<HostKey> keys_matching(const std::vector<HostKey>& keys, const std::vector<std::string>& fingerprints);

// known_hosts lines "<alias> <type> <base64>" for alias (the instance id: ssh is told
// HostKeyAlias, so an address EC2 gives to another instance later matches nothing).
std::string known_hosts_text(const std::string& alias, const std::vector<HostKey>& keys);

}  // namespace spawn::model
