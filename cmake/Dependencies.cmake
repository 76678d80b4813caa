# Every dependency is a Debian package, found here and nowhere else.
# scripts/bootstrap installs them; docs/ARCHITECTURE.md says why each one.
find_package(PkgConfig REQUIRED)
find_package(OpenSSL 3 REQUIRED)             # libssl-dev: SHA-256, HMAC, TLS for the agent
find_package(pugixml REQUIRED)               # libpugixml-dev: EC2 query replies
pkg_check_modules(CARES REQUIRED IMPORTED_TARGET libcares)  # libc-ares-dev: spored's name resolution without NSS
find_package(nlohmann_json 3.10 REQUIRED)    # nlohmann-json3-dev: JSON protocol, config, output
find_package(Threads REQUIRED)
# fmt and tl-expected are header-only (fmt as FMT_HEADER_ONLY): the arm64 sub-build
# (SPAWN_AGENT_ONLY, cmake/Arm64Agent.cmake) uses the same headers and looks for nothing else.
if(SPAWN_AGENT_ONLY)
  return()
endif()
find_package(CURL REQUIRED)                  # libcurl4-openssl-dev: spawn's HTTP transport
find_package(CLI11 REQUIRED)                 # libcli11-dev: spawn's command line
find_package(fmt REQUIRED)                   # libfmt-dev: formatting
find_package(tl-expected REQUIRED)           # libexpected-dev: errors as values
if(SPAWN_BUILD_TESTS)
  find_package(GTest REQUIRED)               # googletest / libgtest-dev / libgmock-dev
endif()
find_package(benchmark QUIET)                # libbenchmark-dev: bench/ (optional, SPAWN_BUILD_BENCH)
if(DEFINED SPAWN_BUILD_BENCH AND SPAWN_BUILD_BENCH AND NOT benchmark_FOUND)
  message(FATAL_ERROR "SPAWN_BUILD_BENCH is ON but Google Benchmark (libbenchmark-dev) was not found")
endif()
