#pragma once
// SharedFiles built from text, so tests never read ~/.aws:
//   auto files = spawn::test::shared_files("[profile dev]\nregion = eu-west-1\n",   // config
//                                          "[dev]\naws_access_key_id = AKIA...\n"); // credentials
// The paths in messages are "/test/config" and "/test/credentials".
#include <gtest/gtest.h>

#include <memory>
#include <string_view>

#include "spawn/aws/config/shared_files.hpp"

namespace spawn::test {

inline std::shared_ptr<const aws::config::SharedFiles> shared_files(std::string_view config,
                                                                     std::string_view credentials = {}) {
  auto c = aws::config::parse_ini(config, "/test/config");
  auto k = aws::config::parse_ini(credentials, "/test/credentials");
  EXPECT_TRUE(c) << (c ? "" : c.error().message);
  EXPECT_TRUE(k) << (k ? "" : k.error().message);
  return std::make_shared<const aws::config::SharedFiles>(c ? *c : aws::config::IniFile{}, "/test/config",
                                                          k ? *k : aws::config::IniFile{}, "/test/credentials");
}

}  // namespace spawn::test
