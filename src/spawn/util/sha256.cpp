#include "spawn/util/sha256.hpp"

#include <openssl/evp.h>

#include <stdexcept>

namespace spawn::util {

std::string sha256_bytes(std::string_view data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (EVP_Digest(data.data(), data.size(), digest, &length, EVP_sha256(), nullptr) != 1)
    throw std::runtime_error("OpenSSL could not compute a SHA-256 digest");
  return std::string(reinterpret_cast<const char*>(digest), length);
}

std::string sha256_hex(std::string_view data) {
  static constexpr char k_hex[] = "0123456789abcdef";
  const std::string digest = sha256_bytes(data);
  std::string out;
  out.reserve(2 * digest.size());
  for (unsigned char c : digest) {
    out += k_hex[c >> 4];
    out += k_hex[c & 15];
  }
  return out;
}

}  // namespace spawn::util
