#pragma once
// A fresh private directory for a test (mkdtemp under $TMPDIR or /tmp), removed with everything
// in it when the TempDir goes out of scope.
//
//   spawn::test::TempDir dir;
//   std::string config = dir.write("config", "[default]\nregion = eu-west-1\n");
//   std::string script = dir.write("helper.sh", "#!/bin/sh\necho hi\n", 0755);
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>

namespace spawn::test {

class TempDir {
 public:
  TempDir() {
    const char* base = std::getenv("TMPDIR");
    std::string pattern = std::string(base != nullptr && *base != '\0' ? base : "/tmp") + "/spawn-test-XXXXXX";
    if (::mkdtemp(pattern.data()) == nullptr) ADD_FAILURE() << "mkdtemp failed for " << pattern;
    m_path = pattern;
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(m_path, ignored);
  }

  const std::string& path() const { return m_path; }
  // path()/name.
  std::string file(std::string_view name) const { return m_path + "/" + std::string(name); }
  // Writes content to path()/name with that mode and returns the full path.
  std::string write(std::string_view name, std::string_view content, mode_t mode = 0644) const {
    std::string p = file(name);
    {
      std::ofstream out(p, std::ios::binary | std::ios::trunc);
      out << content;
      if (!out) ADD_FAILURE() << "cannot write " << p;
    }
    ::chmod(p.c_str(), mode);
    return p;
  }

 private:
  std::string m_path;
};

}  // namespace spawn::test
