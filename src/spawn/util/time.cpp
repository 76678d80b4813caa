#include "spawn/util/time.hpp"

#include <fmt/format.h>

#include <cctype>
#include <ctime>

namespace spawn::util {

std::optional<SystemTime> parse_rfc3339(std::string_view s) {
  int y, mo, d, h, mi, sec;
  if (s.size() < 20) return std::nullopt;
  if (std::sscanf(std::string(s.substr(0, 19)).c_str(), "%4d-%2d-%2dT%2d:%2d:%2d", &y, &mo, &d, &h, &mi, &sec) != 6)
    return std::nullopt;
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60) return std::nullopt;
  std::string_view rest = s.substr(19);
  if (!rest.empty() && rest.front() == '.') {
    rest.remove_prefix(1);
    while (!rest.empty() && std::isdigit(static_cast<unsigned char>(rest.front()))) rest.remove_prefix(1);
  }
  int offset_seconds = 0;
  if (rest == "Z" || rest == "z") {
  } else if (rest.size() == 6 && (rest[0] == '+' || rest[0] == '-') && rest[3] == ':') {
    int oh = std::atoi(std::string(rest.substr(1, 2)).c_str());
    int om = std::atoi(std::string(rest.substr(4, 2)).c_str());
    offset_seconds = (rest[0] == '+' ? 1 : -1) * (oh * 3600 + om * 60);
  } else {
    return std::nullopt;
  }
  using namespace std::chrono;
  auto days = sys_days(year{y} / month{static_cast<unsigned>(mo)} / day{static_cast<unsigned>(d)});
  if (!(year{y} / month{static_cast<unsigned>(mo)} / day{static_cast<unsigned>(d)}).ok()) return std::nullopt;
  return SystemTime(days) + hours(h) + minutes(mi) + seconds(sec) - seconds(offset_seconds);
}

std::string format_rfc3339(SystemTime t) {
  std::time_t tt = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
                     tm.tm_min, tm.tm_sec);
}

std::string format_age(std::chrono::seconds age) {
  long long s = std::max<long long>(0, age.count());
  if (s < 60) return fmt::format("{}s", s);
  if (s < 3600) return fmt::format("{}m", s / 60);
  if (s < 86400) return fmt::format("{}h{}m", s / 3600, (s % 3600) / 60);
  return fmt::format("{}d{}h", s / 86400, (s % 86400) / 3600);
}

std::optional<std::chrono::seconds> parse_duration(std::string_view text) {
  if (text.empty()) return std::nullopt;
  long long total = 0;
  size_t i = 0;
  while (i < text.size()) {
    size_t start = i;
    long long n = 0;
    while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) {
      n = n * 10 + (text[i] - '0');
      if (n > 100000000) return std::nullopt;
      ++i;
    }
    if (i == start || i == text.size()) return std::nullopt;
    switch (text[i++]) {
      case 'd': total += n * 86400; break;
      case 'h': total += n * 3600; break;
      case 'm': total += n * 60; break;
      case 's': total += n; break;
      default: return std::nullopt;
    }
  }
  if (total <= 0) return std::nullopt;
  return std::chrono::seconds(total);
}

}  // namespace spawn::util
