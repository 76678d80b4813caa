#pragma once
// Files the agent keeps: atomic replacement (a private temporary file in the same folder, then
// rename), reading, and folders that only their owner may enter. Knows nothing of AWS.
#include <sys/types.h>

#include <optional>
#include <string>
#include <string_view>

#include "spawn/util/expected.hpp"

namespace spawn::util {

// Replaces path with content: writes a temporary file created with mkstemp next to it (an
// unpredictable name, mode 0600 from the start), sets mode, fsyncs it, renames it over path and
// fsyncs the folder. Readers see the old content or the new one, never a mix, and a crash leaves
// no half-written file under path. An error (a sentence naming path) when any step fails; the
// temporary file is removed then.
expected<void, std::string> write_file_atomically(const std::string& path, std::string_view content, mode_t mode);

// The whole file; nullopt when it does not exist; an error (a sentence) when it cannot be read.
expected<std::optional<std::string>, std::string> read_file(const std::string& path);

// Makes path a folder that only the current user can use: created with mode 0700 when missing
// (the parent must exist); an existing one must be a real folder (not a symbolic link) owned by
// the current user, and loses any group or other permission bits. An error (a sentence) otherwise.
expected<void, std::string> ensure_private_dir(const std::string& path);

// Creates path and its missing parents with mode (like mkdir -p); an existing folder is kept as
// it is. An error (a sentence) when path exists and is not a folder, or a step fails.
expected<void, std::string> ensure_dir(const std::string& path, mode_t mode);

}  // namespace spawn::util
