#include "spawn/cli/output.hpp"

#include <fmt/format.h>

#include "spawn/util/encoding.hpp"

namespace spawn::cli {

// Every message is one line whatever the values quoted in it hold (util::escape_controls).
void print_error(const aws::Error& error) {
  fmt::print(stderr, "spawn: error: {}\n", util::escape_controls(error.describe()));
  if (auto hint = aws::hint_for(error); !hint.empty()) fmt::print(stderr, "spawn: hint: {}\n", hint);
}

void print_usage_error(const std::string& message, const std::string& command) {
  fmt::print(stderr, "spawn: error: {}\n", util::escape_controls(message));
  fmt::print(stderr, "spawn: hint: see 'spawn {}--help'\n", command.empty() ? "" : command + " ");
}

void print_failure(const std::string& message) {
  fmt::print(stderr, "spawn: error: {}\n", util::escape_controls(message));
}

size_t display_width(const std::string& text) {
  size_t width = 0;
  for (size_t i = 0; i < text.size();) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    size_t len = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : 4;
    width += len == 4 ? 2 : 1;  // 4-byte sequences are emoji and other wide symbols here
    i += len;
  }
  return width;
}

std::string render_table(const std::vector<std::string>& header, const std::vector<std::vector<std::string>>& rows) {
  std::vector<size_t> widths(header.size(), 0);
  auto measure = [&](const std::vector<std::string>& row) {
    for (size_t c = 0; c < row.size() && c < widths.size(); ++c) widths[c] = std::max(widths[c], display_width(row[c]));
  };
  measure(header);
  for (const auto& r : rows) measure(r);
  std::string out;
  auto emit = [&](const std::vector<std::string>& row) {
    std::string line;
    for (size_t c = 0; c < row.size() && c < widths.size(); ++c) {
      line += row[c];
      if (c + 1 < row.size()) line += std::string(widths[c] - display_width(row[c]) + 2, ' ');
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out += line + "\n";
  };
  emit(header);
  for (const auto& r : rows) emit(r);
  return out;
}

std::string address_cell(const aws::ec2::Instance& instance) {
  if (!instance.public_ip.empty()) return instance.public_ip;
  if (!instance.private_ip.empty()) return instance.private_ip + " (private)";
  return "-";
}

nlohmann::json address_json(const std::string& address) {
  return address.empty() ? nlohmann::json(nullptr) : nlohmann::json(address);
}

}  // namespace spawn::cli
