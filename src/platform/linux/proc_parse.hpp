// Parsers for the /proc files weft reads about a thread. Pure functions over text, no I/O, so they are
// tested against captured files (tests/platform/testdata/) and can be fuzzed. Malformed text gives an
// error naming the field and the text seen, never a crash.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "platform/threads.hpp"

namespace weft::platform {

// Either a value or an error that names the field and quotes what was found there.
template <typename T>
struct parsed {
  std::optional<T> value;
  std::string error;  // set exactly when value is empty

  [[nodiscard]] bool ok() const { return value.has_value(); }
};

// /proc/<pid>/task/<tid>/stat: "tid (comm) state ppid ... starttime ...".
struct stat_fields {
  int tid = 0;
  std::string comm;  // raw bytes, as pthread_setname_np set them; may hold spaces and ')'
  char state = '?';
  std::uint64_t start_time = 0;  // field 22, clock ticks since boot
};
[[nodiscard]] parsed<stat_fields> parse_stat(std::string_view text);

// /proc/<pid>/task/<tid>/status, the two lines weft uses.
struct status_fields {
  std::string name;                   // the kernel escapes '\n' and '\\' here; stat's comm is the raw form
  std::uint64_t blocked_signals = 0;  // SigBlk: bit n-1 set when signal n is blocked
};
[[nodiscard]] parsed<status_fields> parse_status(std::string_view text);

// /proc/<pid>/task/<tid>/syscall: "running", "-1 sp pc" when blocked outside a system call (a page
// fault, a stop), or "nr arg1 ... arg6 sp pc" with nr in decimal and the rest in hex.
struct syscall_fields {
  enum class kind { running, outside_call, in_call };
  kind what = kind::running;
  long number = -1;  // meaningful for in_call only
  std::uint64_t args[6] = {};
  std::uint64_t stack_pointer = 0;
  std::uint64_t pc = 0;
};
[[nodiscard]] parsed<syscall_fields> parse_syscall(std::string_view text);

// What an x86-64 system call number means to weft.
struct syscall_info {
  blocking_call call = blocking_call::other;
  std::string_view name;  // empty when the table does not know the number
  int fd_argument = -1;   // index into args of the file descriptor waited on; -1 if none or unreadable
};
[[nodiscard]] syscall_info describe_syscall(long number);

// "futex" for a known number, "syscall 123" otherwise.
[[nodiscard]] std::string syscall_display_name(long number);

}  // namespace weft::platform
