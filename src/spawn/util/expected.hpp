#pragma once
// Recoverable errors are values: functions return expected<T, E> (tl::expected, Debian's
// libexpected-dev, the C++23 std::expected shape). Exceptions are kept for fatal start-up
// problems and caught once in main().
#include <tl/expected.hpp>

namespace spawn {
using tl::expected;
using tl::unexpected;
}  // namespace spawn
