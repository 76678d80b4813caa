#include "spawn/util/elf.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <sstream>

using spawn::util::inspect_elf;

namespace {

void put(std::string& b, size_t at, uint64_t value, size_t bytes) {
  for (size_t i = 0; i < bytes; ++i) b[at + i] = static_cast<char>((value >> (8 * i)) & 0xff);
}

// A 64-bit little-endian ELF header with program headers of the given types; a PT_DYNAMIC one
// points at `needed` DT_NEEDED entries and a DT_NULL.
std::string elf(uint16_t machine, std::vector<uint32_t> types, int needed = 0) {
  std::string b(64 + 56 * types.size(), '\0');
  b.replace(0, 4, "\x7f" "ELF");
  b[4] = 2;
  b[5] = 1;
  put(b, 18, machine, 2);
  put(b, 32, 64, 8);
  put(b, 54, 56, 2);
  put(b, 56, types.size(), 2);
  for (size_t i = 0; i < types.size(); ++i) {
    const size_t ph = 64 + 56 * i;
    put(b, ph, types[i], 4);
    if (types[i] == 2) {
      const size_t offset = b.size();
      b.append(16 * (needed + 1), '\0');
      for (int n = 0; n < needed; ++n) put(b, offset + 16 * n, 1, 8);
      put(b, ph + 8, offset, 8);
      put(b, ph + 32, 16 * (needed + 1), 8);
    }
  }
  return b;
}

}  // namespace

TEST(Elf, StaticAndDynamic) {
  auto s = inspect_elf(elf(62, {1, 1}));
  ASSERT_TRUE(s) << s.error();
  EXPECT_EQ(s->architecture, "x86_64");
  EXPECT_TRUE(s->statically_linked());

  auto pie = inspect_elf(elf(183, {1, 2}, 0));  // static-pie: a dynamic section, nothing needed
  ASSERT_TRUE(pie);
  EXPECT_EQ(pie->architecture, "aarch64");
  EXPECT_TRUE(pie->statically_linked());

  auto dynamic = inspect_elf(elf(62, {3, 1, 2}, 2));
  ASSERT_TRUE(dynamic);
  EXPECT_TRUE(dynamic->has_interpreter);
  EXPECT_EQ(dynamic->needed_libraries, 2);
  EXPECT_FALSE(dynamic->statically_linked());
}

TEST(Elf, NotElfOrTruncated) {
  EXPECT_FALSE(inspect_elf("#!/bin/sh\necho hi\n"));
  std::string b = elf(62, {1});
  b[4] = 1;
  EXPECT_FALSE(inspect_elf(b)) << "32-bit";
  std::string cut = elf(62, {1, 1});
  EXPECT_FALSE(inspect_elf(cut.substr(0, 100))) << "program headers past the end";
  std::string wild = elf(62, {2}, 1);
  put(wild, 64 + 8, 1u << 30, 8);
  EXPECT_FALSE(inspect_elf(wild)) << "dynamic section past the end";
}

TEST(Elf, TheBuiltSporedIsStatic) {
#if defined(__SANITIZE_ADDRESS__)
  GTEST_SKIP() << "sanitizer builds link spored dynamically (SPAWN_SANITIZE)";
#endif
  const char* env = std::getenv("SPAWN_BUILD_DIR");
  const std::string build = env != nullptr && *env != '\0' ? env : SPAWN_BUILD_DIR;
  std::ifstream in(build + "/bin/spored", std::ios::binary);
  if (!in) GTEST_SKIP() << "spored is not built";
  std::stringstream bytes;
  bytes << in.rdbuf();
  auto info = inspect_elf(bytes.str());
  ASSERT_TRUE(info) << info.error();
  EXPECT_TRUE(info->statically_linked()) << "interpreter " << info->has_interpreter << ", needed " << info->needed_libraries;
}
