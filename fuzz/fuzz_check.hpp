#pragma once
// The one assertion of the fuzz targets: a broken invariant aborts with a message, which
// libFuzzer reports as a crash and saves as a reproducer (also in Release-like builds, where
// assert() would vanish).
#include <cstdio>
#include <cstdlib>

#define FUZZ_CHECK(cond)                                                               \
  do {                                                                                 \
    if (!(cond)) {                                                                     \
      std::fprintf(stderr, "%s:%d: invariant failed: %s\n", __FILE__, __LINE__, #cond); \
      std::abort();                                                                    \
    }                                                                                  \
  } while (0)
