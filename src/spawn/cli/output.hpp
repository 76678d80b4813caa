#pragma once
// What spawn prints at its edge: one-line errors with a hint, and aligned tables.
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "spawn/aws/ec2/types.hpp"
#include "spawn/aws/error.hpp"

namespace spawn::cli {

inline constexpr int k_exit_ok = 0;
inline constexpr int k_exit_failure = 1;
inline constexpr int k_exit_usage = 2;

// "spawn: error: <what> (<code>, request <id>)" and "spawn: hint: ..." when one helps.
void print_error(const aws::Error& error);
// "spawn: error: <message>" for bad usage, and where to read the usage.
void print_usage_error(const std::string& message, const std::string& command = {});
// "spawn: error: <message>" for other failures (not from AWS).
void print_failure(const std::string& message);

// Columns separated by two spaces, padded by display width (UTF-8 aware).
std::string render_table(const std::vector<std::string>& header, const std::vector<std::vector<std::string>>& rows);
// Display width of UTF-8 text in a terminal (wide characters such as emoji count 2).
size_t display_width(const std::string& text);

// Where to reach an instance, for a table: its public IP, else its private IP with " (private)",
// else "-".
std::string address_cell(const aws::ec2::Instance& instance);
// An address in JSON: the text, or null when there is none.
nlohmann::json address_json(const std::string& address);

}  // namespace spawn::cli
