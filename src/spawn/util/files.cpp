#include "spawn/util/files.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace spawn::util {
namespace {

std::string errno_text(int err) { return std::strerror(err); }

std::string parent_of(const std::string& path) {
  auto slash = path.find_last_of('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

bool write_all(int fd, std::string_view data) {
  while (!data.empty()) {
    ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    data.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

}  // namespace

// Why mkstemp in the target's own folder: rename() is only atomic within one file system, and a
// name nobody can guess means nobody can plant a symbolic link there first (O_EXCL does the rest).
// The folder fsync makes the rename itself durable, which is what "latched" has to mean after a
// power cut.
expected<void, std::string> write_file_atomically(const std::string& path, std::string_view content, mode_t mode) {
  std::string temp = path + ".tmp-XXXXXX";
  int fd = ::mkstemp(temp.data());
  if (fd < 0) return unexpected("cannot create a temporary file next to " + path + ": " + errno_text(errno));
  auto fail = [&](const std::string& what) -> expected<void, std::string> {
    int err = errno;
    ::close(fd);
    ::unlink(temp.c_str());
    return unexpected("cannot write " + path + ": " + what + ": " + errno_text(err));
  };
  if (::fchmod(fd, mode) != 0) return fail("chmod");
  if (!write_all(fd, content)) return fail("write");
  if (::fsync(fd) != 0) return fail("fsync");
  if (::close(fd) != 0) {
    int err = errno;
    ::unlink(temp.c_str());
    return unexpected("cannot write " + path + ": close: " + errno_text(err));
  }
  if (::rename(temp.c_str(), path.c_str()) != 0) {
    int err = errno;
    ::unlink(temp.c_str());
    return unexpected("cannot replace " + path + ": " + errno_text(err));
  }
  int dir = ::open(parent_of(path).c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir >= 0) {
    ::fsync(dir);  // best effort: some file systems refuse fsync on folders
    ::close(dir);
  }
  return {};
}

expected<std::optional<std::string>, std::string> read_file(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return std::optional<std::string>();
    return unexpected("cannot open " + path + ": " + errno_text(errno));
  }
  std::string out;
  char buffer[65536];
  for (;;) {
    ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      int err = errno;
      ::close(fd);
      return unexpected("cannot read " + path + ": " + errno_text(err));
    }
    if (n == 0) break;
    out.append(buffer, static_cast<size_t>(n));
  }
  ::close(fd);
  return std::optional<std::string>(std::move(out));
}

expected<void, std::string> ensure_private_dir(const std::string& path) {
  if (::mkdir(path.c_str(), 0700) != 0 && errno != EEXIST)
    return unexpected("cannot create " + path + ": " + errno_text(errno));
  struct stat st {};
  if (::lstat(path.c_str(), &st) != 0) return unexpected("cannot inspect " + path + ": " + errno_text(errno));
  if (S_ISLNK(st.st_mode)) return unexpected(path + " is a symbolic link, not a private folder");
  if (!S_ISDIR(st.st_mode)) return unexpected(path + " exists and is not a folder");
  if (st.st_uid != ::geteuid())
    return unexpected(path + " belongs to user " + std::to_string(st.st_uid) + ", not to us (" +
                      std::to_string(::geteuid()) + ")");
  if ((st.st_mode & 077) != 0 && ::chmod(path.c_str(), st.st_mode & 0700) != 0)
    return unexpected("cannot make " + path + " private: " + errno_text(errno));
  return {};
}

expected<void, std::string> ensure_dir(const std::string& path, mode_t mode) {
  if (path.empty()) return unexpected(std::string("no folder given"));
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0) {
    if (S_ISDIR(st.st_mode)) return {};
    return unexpected(path + " exists and is not a folder");
  }
  std::string parent = parent_of(path);
  if (parent != path && parent != "." && parent != "/") {
    auto made = ensure_dir(parent, mode);
    if (!made) return made;
  }
  if (::mkdir(path.c_str(), mode) != 0 && errno != EEXIST)
    return unexpected("cannot create " + path + ": " + errno_text(errno));
  return {};
}

}  // namespace spawn::util
