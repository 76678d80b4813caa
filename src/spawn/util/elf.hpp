#pragma once
// Just enough ELF reading to tell whether a binary can run on any Linux of its architecture:
// its machine, and whether it needs a dynamic loader or shared libraries. Knows nothing of AWS.
#include <string>
#include <string_view>

#include "spawn/util/expected.hpp"

namespace spawn::util {

struct ElfInfo {
  std::string architecture;      // as `uname -m` says it: "x86_64", "aarch64", or "elf-machine-<n>"
  bool has_interpreter = false;  // a PT_INTERP program header (the dynamic loader's path)
  int needed_libraries = 0;      // DT_NEEDED entries in the dynamic section

  // No loader and no shared library: runs whatever libc the system has (or none).
  bool statically_linked() const { return !has_interpreter && needed_libraries == 0; }
};

// Reads a 64-bit little-endian ELF executable from its bytes. An error (a sentence) when the
// bytes are not one, or a header points outside them.
expected<ElfInfo, std::string> inspect_elf(std::string_view bytes);

}  // namespace spawn::util
