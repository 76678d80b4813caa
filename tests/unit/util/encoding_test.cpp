#include "spawn/util/encoding.hpp"

#include <gtest/gtest.h>

#include <string>

using spawn::util::escape_controls;
using spawn::util::utf8_length;

TEST(EscapeControls, PrintableTextAndUtf8AreKept) {
  EXPECT_EQ(escape_controls("it's \"$(x)\" `y` caf\xc3\xa9 \xe2\x9c\x93 \xf0\x9f\x9a\x80"),
            "it's \"$(x)\" `y` caf\xc3\xa9 \xe2\x9c\x93 \xf0\x9f\x9a\x80");
  EXPECT_EQ(escape_controls(""), "");
}

TEST(EscapeControls, LineBreaksCannotStartALineOfTheirOwn) {
  EXPECT_EQ(escape_controls("a\nspawn: error: forged"), "a\\nspawn: error: forged");
  EXPECT_EQ(escape_controls("a\r\nb\tc"), "a\\r\\nb\\tc");
}

TEST(EscapeControls, OtherControlBytesAsHex) {
  EXPECT_EQ(escape_controls(std::string("\x1b[31mred\x7f", 9)), "\\x1b[31mred\\x7f");
  EXPECT_EQ(escape_controls(std::string("a\0b", 3)), "a\\x00b");
}

TEST(Utf8Length, CountsCharactersNotBytes) {
  EXPECT_EQ(utf8_length(""), 0u);
  EXPECT_EQ(utf8_length("abc"), 3u);
  EXPECT_EQ(utf8_length("caf\xc3\xa9 \xe2\x9c\x93 \xf0\x9f\x9a\x80"), 8u);
}

TEST(Base64Decode, UndoesEncodeForEveryLengthAndByte) {
  std::string bytes;
  for (int i = 0; i < 256; ++i) bytes += static_cast<char>(i);
  for (size_t n = 0; n <= bytes.size(); n += 1) {
    const std::string data = bytes.substr(0, n);
    auto back = spawn::util::base64_decode(spawn::util::base64_encode(data));
    ASSERT_TRUE(back) << n;
    EXPECT_EQ(*back, data) << n;
  }
  EXPECT_EQ(spawn::util::base64_decode("Zm9vYmFy"), "foobar");
  EXPECT_EQ(spawn::util::base64_decode("Zm9vYg=="), "foob");
}

TEST(Base64Decode, RefusesWhatIsNotStandardBase64) {
  for (const char* bad : {"Zm9", "Zm9v!mFy", "Zg==Zm9v", "Z===", "Zm9v\nYmFy", "Zm-_"})
    EXPECT_FALSE(spawn::util::base64_decode(bad)) << bad;
}
