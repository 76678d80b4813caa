#include "spawn/util/sha1.hpp"

#include <openssl/evp.h>

#include <stdexcept>

namespace spawn::util {

std::string sha1_hex(std::string_view data) {
  static constexpr char k_hex[] = "0123456789abcdef";
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (EVP_Digest(data.data(), data.size(), digest, &length, EVP_sha1(), nullptr) != 1)
    throw std::runtime_error("OpenSSL could not compute a SHA-1 digest");
  std::string out;
  out.reserve(2 * length);
  for (unsigned int i = 0; i < length; ++i) {
    out += k_hex[digest[i] >> 4];
    out += k_hex[digest[i] & 15];
  }
  return out;
}

}  // namespace spawn::util
