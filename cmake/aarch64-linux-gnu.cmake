# Toolchain for the aarch64 spored (cmake/Arm64Agent.cmake): Debian's cross compiler
# (g++-aarch64-linux-gnu) and the arm64 multiarch -dev packages in /usr/lib/aarch64-linux-gnu
# (libssl-dev:arm64, libpugixml-dev:arm64, libc-ares-dev:arm64), all installed by scripts/bootstrap.
# Header-only dependencies (nlohmann-json, fmt, tl-expected) are the same files for both machines.
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)
set(CMAKE_C_COMPILER aarch64-linux-gnu-gcc)
set(CMAKE_CXX_COMPILER aarch64-linux-gnu-g++)
set(CMAKE_LIBRARY_ARCHITECTURE aarch64-linux-gnu)
# pkg-config (c-ares) reads the arm64 .pc files only, never the build machine's.
set(ENV{PKG_CONFIG_LIBDIR} /usr/lib/aarch64-linux-gnu/pkgconfig:/usr/share/pkgconfig)
set(ENV{PKG_CONFIG_PATH} "")
# Programs run on the build machine; libraries, headers and packages are the target's: the x86-64
# copies in /usr/lib/x86_64-linux-gnu are never in the way, as CMAKE_LIBRARY_ARCHITECTURE points
# find_library and find_package at /usr/lib/aarch64-linux-gnu first and the root is "/".
set(CMAKE_FIND_ROOT_PATH /)
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
