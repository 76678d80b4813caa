#include "spawn/util/elf.hpp"

#include <cstdint>

namespace spawn::util {
namespace {

constexpr uint32_t k_pt_dynamic = 2;
constexpr uint32_t k_pt_interp = 3;
constexpr int64_t k_dt_null = 0;
constexpr int64_t k_dt_needed = 1;

// Little-endian reads at an offset the caller has checked.
template <class T>
T read_le(std::string_view bytes, uint64_t offset) {
  T value = 0;
  for (size_t i = 0; i < sizeof(T); ++i)
    value |= static_cast<T>(static_cast<unsigned char>(bytes[offset + i])) << (8 * i);
  return value;
}

bool inside(std::string_view bytes, uint64_t offset, uint64_t size) {
  return offset <= bytes.size() && size <= bytes.size() - offset;
}

}  // namespace

expected<ElfInfo, std::string> inspect_elf(std::string_view bytes) {
  if (bytes.size() < 64 || bytes.substr(0, 4) != std::string_view("\x7f" "ELF", 4))
    return unexpected(std::string("not an ELF executable"));
  if (bytes[4] != 2 || bytes[5] != 1) return unexpected(std::string("not a 64-bit little-endian ELF executable"));
  ElfInfo info;
  const uint16_t machine = read_le<uint16_t>(bytes, 18);
  info.architecture = machine == 62 ? "x86_64" : machine == 183 ? "aarch64" : "elf-machine-" + std::to_string(machine);
  const uint64_t phoff = read_le<uint64_t>(bytes, 32);
  const uint16_t phentsize = read_le<uint16_t>(bytes, 54);
  const uint16_t phnum = read_le<uint16_t>(bytes, 56);
  if (phentsize < 56 || !inside(bytes, phoff, uint64_t{phentsize} * phnum))
    return unexpected(std::string("its program headers lie outside the file"));
  for (uint16_t i = 0; i < phnum; ++i) {
    const uint64_t ph = phoff + uint64_t{phentsize} * i;
    const uint32_t type = read_le<uint32_t>(bytes, ph);
    if (type == k_pt_interp) info.has_interpreter = true;
    if (type != k_pt_dynamic) continue;
    const uint64_t offset = read_le<uint64_t>(bytes, ph + 8);
    const uint64_t size = read_le<uint64_t>(bytes, ph + 32);
    if (!inside(bytes, offset, size)) return unexpected(std::string("its dynamic section lies outside the file"));
    for (uint64_t d = offset; d + 16 <= offset + size; d += 16) {
      const auto tag = static_cast<int64_t>(read_le<uint64_t>(bytes, d));
      if (tag == k_dt_null) break;
      if (tag == k_dt_needed) ++info.needed_libraries;
    }
  }
  return info;
}

}  // namespace spawn::util
