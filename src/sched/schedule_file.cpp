#include "sched/schedule_file.hpp"

#include <zlib.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

namespace weft::sched {
namespace {

constexpr std::size_t longest_file = 64u << 20;

std::string_view trimmed(std::string_view line) {
  constexpr std::string_view blanks = " \t\r";
  const std::size_t first = line.find_first_not_of(blanks);
  if (first == std::string_view::npos) return {};
  return line.substr(first, line.find_last_not_of(blanks) - first + 1);
}

}  // namespace

schedule_text read_schedule_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return {"", "weft: cannot read the schedule file " + path};
  std::string content(longest_file, '\0');
  in.read(content.data(), static_cast<std::streamsize>(content.size()));
  content.resize(static_cast<std::size_t>(in.gcount()));
  std::string_view rest = content;
  while (!rest.empty()) {
    const std::size_t end = rest.find('\n');
    const std::string_view line = trimmed(rest.substr(0, end));
    rest = end == std::string_view::npos ? std::string_view{} : rest.substr(end + 1);
    if (line.empty() || line.front() == '#') continue;
    return {std::string(line), ""};
  }
  return {"", "weft: the file " + path + " holds no schedule"};
}

schedule_text resolve_schedule(std::string_view given) {
  if (given.starts_with('@')) return read_schedule_file(std::string(given.substr(1)));
  return {std::string(given), ""};
}

std::string write_schedule_file(const std::string& path, std::string_view schedule,
                                std::string_view comments) {
  std::ofstream out(path, std::ios::trunc);
  out << schedule << "\n";
  std::string_view rest = comments;
  while (!rest.empty()) {
    const std::size_t end = rest.find('\n');
    out << "# " << rest.substr(0, end) << "\n";
    rest = end == std::string_view::npos ? std::string_view{} : rest.substr(end + 1);
  }
  out.close();
  if (!out) return "weft: cannot write the schedule to " + path;
  return "";
}

std::string temporary_schedule_path(std::string_view stem, std::string_view schedule) {
  std::error_code ignored;
  std::filesystem::path directory = std::filesystem::temp_directory_path(ignored);
  if (directory.empty()) directory = "/tmp";
  const uLong checksum =
      crc32(0L, reinterpret_cast<const Bytef*>(schedule.data()), static_cast<uInt>(schedule.size()));
  char hex[9];
  std::snprintf(hex, sizeof hex, "%08lx", checksum & 0xFFFFFFFFul);
  std::string name = "weft-";
  if (!stem.empty()) name.append(stem).append("-");
  return (directory / (name + hex + ".schedule")).string();
}

std::string printable_schedule(std::string_view schedule, std::string_view stem, std::string_view comments) {
  if (schedule.size() <= longest_printed_schedule) return std::string(schedule);
  const std::string path = temporary_schedule_path(stem, schedule);
  if (!write_schedule_file(path, schedule, comments).empty()) return std::string(schedule);
  return "@" + path;
}

}  // namespace weft::sched
