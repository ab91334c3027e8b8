// Schedules too long to print: a failure's Reproduce line names a file instead. A schedule file holds
// the replay string on its first line that is neither empty nor a # comment; comment lines say what
// failed and how to replay it.
#pragma once

#include <string>
#include <string_view>

namespace weft::sched {

// Longer schedules than this are saved to a file rather than printed: a line a person can still copy
// whole from a terminal. A run of a few hundred decisions fits; a livelock's never does.
inline constexpr std::size_t longest_printed_schedule = 300;

struct schedule_text {
  std::string text;   // the replay string
  std::string error;  // empty on success; otherwise "weft: ..." naming the file and what is wrong
  [[nodiscard]] bool ok() const { return error.empty(); }
};

// The schedule in the file at `path`. Reads at most the file's first 64 MiB.
[[nodiscard]] schedule_text read_schedule_file(const std::string& path);

// "@FILE" is the schedule saved in FILE (the form weft prints for long schedules); any other text is
// the schedule itself.
[[nodiscard]] schedule_text resolve_schedule(std::string_view given);

// Writes `schedule`, then `comments` (each line starting with "# "), to `path`, replacing the file.
// Returns "" or an error naming the path.
[[nodiscard]] std::string write_schedule_file(const std::string& path, std::string_view schedule,
                                              std::string_view comments);

// Where a long schedule goes when nobody said where: the temporary directory ($TMPDIR, else /tmp),
// as weft-<stem>-<8 hex digits of the schedule's CRC-32>.schedule. The name depends only on the
// schedule, so the same failure found twice writes the same file, and two failures never share one.
[[nodiscard]] std::string temporary_schedule_path(std::string_view stem, std::string_view schedule);

// What a Reproduce line shows for `schedule`: the schedule itself when it is at most
// longest_printed_schedule characters, else "@" and the file it was just saved to
// (temporary_schedule_path). If the file cannot be written, the schedule itself.
[[nodiscard]] std::string printable_schedule(std::string_view schedule, std::string_view stem,
                                             std::string_view comments);

}  // namespace weft::sched
