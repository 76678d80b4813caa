#include "spawn/util/files.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>

#include "../support/temp_dir.hpp"

namespace spawn::util {
namespace {

TEST(Files, AtomicWriteReplacesWithTheModeAndLeavesNoTemporary) {
  test::TempDir dir;
  auto path = dir.file("state.json");
  ASSERT_TRUE(write_file_atomically(path, "one", 0644));
  ASSERT_TRUE(write_file_atomically(path, "two", 0600));
  EXPECT_EQ(read_file(path).value().value(), "two");
  struct stat st {};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  int n = 0;
  for (const auto& e : std::filesystem::directory_iterator(dir.path())) {
    (void)e;
    ++n;
  }
  EXPECT_EQ(n, 1);
}

TEST(Files, AtomicWriteIntoAMissingFolderIsAnError) {
  test::TempDir dir;
  auto r = write_file_atomically(dir.file("no/such/file"), "x", 0600);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().find("no/such/file"), std::string::npos);
}

TEST(Files, ReadMissingIsNullopt) {
  test::TempDir dir;
  auto r = read_file(dir.file("absent"));
  ASSERT_TRUE(r);
  EXPECT_FALSE(*r);
}

TEST(Files, PrivateDir) {
  test::TempDir dir;
  auto path = dir.file("private");
  ASSERT_TRUE(ensure_private_dir(path));
  struct stat st {};
  ASSERT_EQ(::lstat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0700u);
  ::chmod(path.c_str(), 0755);
  ASSERT_TRUE(ensure_private_dir(path));
  ::lstat(path.c_str(), &st);
  EXPECT_EQ(st.st_mode & 0777, 0700u);
  // A symbolic link planted in its place is refused.
  auto link = dir.file("planted");
  ASSERT_EQ(::symlink(dir.path().c_str(), link.c_str()), 0);
  EXPECT_FALSE(ensure_private_dir(link));
  EXPECT_FALSE(ensure_private_dir(dir.write("file", "x")));
}

TEST(Files, EnsureDirMakesParents) {
  test::TempDir dir;
  ASSERT_TRUE(ensure_dir(dir.file("a/b/c"), 0755));
  EXPECT_TRUE(std::filesystem::is_directory(dir.file("a/b/c")));
  EXPECT_TRUE(ensure_dir(dir.file("a/b/c"), 0755));
  EXPECT_FALSE(ensure_dir(dir.write("f", "x"), 0755));
}

}  // namespace
}  // namespace spawn::util
