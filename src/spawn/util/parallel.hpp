#pragma once
// Running independent tasks at once (asking several AWS regions concurrently). Knows nothing of AWS.
#include <cstddef>
#include <functional>

namespace spawn::util {

// Runs task(0) .. task(n - 1) on at most max_threads threads (at least one) and returns when
// every task has finished. Tasks take the next index as they free up, so a slow one does not
// hold the others back. An exception from a task is rethrown here after all have finished.
void parallel_for(std::size_t n, std::size_t max_threads, const std::function<void(std::size_t)>& task);

}  // namespace spawn::util
