# build/bin/spored-aarch64: the same spored for Graviton (arm64) instances, built beside the x86-64
# one by a second configure of this source tree in build/arm64 with Debian's cross toolchain
# (cmake/aarch64-linux-gnu.cmake) and SPAWN_AGENT_ONLY (spawn_core, spawn_agent and spored, nothing
# else: no spawn, no tests). Linked statically like the x86-64 one (libssl.a, libcrypto.a,
# libpugixml.a, libcares.a of the arm64 -dev packages). The tests run it under qemu-user
# (tests/integration: the SPAWN_SPORED_ARCH=aarch64 entries).
# Off with -DSPAWN_ARM64_AGENT=OFF; never in the sanitizer and fuzz builds.
include(ExternalProject)

find_program(AARCH64_CXX aarch64-linux-gnu-g++)
if(NOT AARCH64_CXX)
  message(FATAL_ERROR "the aarch64 spored needs Debian's cross compiler g++-aarch64-linux-gnu and the arm64 -dev "
                      "packages (scripts/bootstrap installs them), or configure with -DSPAWN_ARM64_AGENT=OFF")
endif()

set(arm64_launcher "")
if(CMAKE_CXX_COMPILER_LAUNCHER)
  set(arm64_launcher "-DCMAKE_CXX_COMPILER_LAUNCHER=${CMAKE_CXX_COMPILER_LAUNCHER}")
endif()
set(arm64_type ${CMAKE_BUILD_TYPE})
if(NOT arm64_type)
  set(arm64_type Release)
endif()

ExternalProject_Add(spored_aarch64
  SOURCE_DIR ${PROJECT_SOURCE_DIR}
  BINARY_DIR ${CMAKE_BINARY_DIR}/arm64
  CMAKE_ARGS
    -DCMAKE_TOOLCHAIN_FILE=${PROJECT_SOURCE_DIR}/cmake/aarch64-linux-gnu.cmake
    -DCMAKE_BUILD_TYPE=${arm64_type}
    -DSPAWN_AGENT_ONLY=ON
    -DSPAWN_STATIC_AGENT=ON
    ${arm64_launcher}
  BUILD_COMMAND ${CMAKE_COMMAND} --build <BINARY_DIR> --target spored
  # Every build asks the sub-build, whose own dependency scan decides what to recompile.
  BUILD_ALWAYS ON
  INSTALL_COMMAND ${CMAKE_COMMAND} -E copy_if_different <BINARY_DIR>/bin/spored ${CMAKE_BINARY_DIR}/bin/spored-aarch64
  BUILD_BYPRODUCTS ${CMAKE_BINARY_DIR}/bin/spored-aarch64
  USES_TERMINAL_BUILD OFF)
