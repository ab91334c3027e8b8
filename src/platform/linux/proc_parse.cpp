#include "platform/linux/proc_parse.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cstdio>
#include <vector>

namespace weft::platform {
namespace {

// Fuzzed or truncated input can be anything: errors quote at most this much of it, escaped.
constexpr std::size_t quoted_limit = 40;

std::string quote(std::string_view text) {
  std::string out = "\"";
  for (char c : text.substr(0, quoted_limit)) {
    if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') {
      out += c;
    } else {
      char escaped[8];
      std::snprintf(escaped, sizeof escaped, "\\x%02x", static_cast<unsigned char>(c));
      out += escaped;
    }
  }
  if (text.size() > quoted_limit) out += "...";
  return out + "\"";
}

template <typename T>
parsed<T> failure(std::string message) {
  return {std::nullopt, std::move(message)};
}

bool is_space(char c) {
  return c == ' ' || c == '\n' || c == '\t';
}

std::vector<std::string_view> split_fields(std::string_view text) {
  std::vector<std::string_view> fields;
  std::size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && is_space(text[i])) ++i;
    std::size_t start = i;
    while (i < text.size() && !is_space(text[i])) ++i;
    if (i > start) fields.push_back(text.substr(start, i - start));
  }
  return fields;
}

template <typename T>
std::optional<T> parse_number(std::string_view text, int base) {
  T value{};
  const char* end = text.data() + text.size();
  auto [stop, error] = std::from_chars(text.data(), end, value, base);
  if (text.empty() || error != std::errc{} || stop != end) return std::nullopt;
  return value;
}

// The kernel writes "0x1f" in syscall and bare "001f" in status; both are accepted.
std::optional<std::uint64_t> parse_hex(std::string_view text) {
  if (text.starts_with("0x")) text.remove_prefix(2);
  return parse_number<std::uint64_t>(text, 16);
}

std::string_view trim_end(std::string_view text) {
  while (!text.empty() && is_space(text.back())) text.remove_suffix(1);
  return text;
}

}  // namespace

parsed<stat_fields> parse_stat(std::string_view text) {
  // comm may hold anything, ')' included, but the kernel writes no ')' after it: the last one ends it.
  const std::size_t open = text.find('(');
  const std::size_t close = text.rfind(')');
  if (open == std::string_view::npos || close == std::string_view::npos || close < open) {
    return failure<stat_fields>("stat: no \"(comm)\" in " + quote(text));
  }
  stat_fields result;
  const std::string_view tid_text = trim_end(text.substr(0, open));
  const auto tid = parse_number<int>(tid_text, 10);
  if (!tid) return failure<stat_fields>("stat: field 1 (tid) is not a number: " + quote(tid_text));
  result.tid = *tid;
  result.comm = std::string(text.substr(open + 1, close - open - 1));

  // fields[0] is field 3 of proc(5), so field n is fields[n - 3].
  const auto fields = split_fields(text.substr(close + 1));
  constexpr std::size_t state_index = 0;
  constexpr std::size_t start_time_index = 22 - 3;
  if (fields.size() <= start_time_index) {
    return failure<stat_fields>("stat: expected at least 22 fields, found " +
                                std::to_string(fields.size() + 2) + " in " + quote(text));
  }
  if (fields[state_index].size() != 1) {
    return failure<stat_fields>("stat: field 3 (state) is not one letter: " + quote(fields[state_index]));
  }
  result.state = fields[state_index][0];
  const auto start_time = parse_number<std::uint64_t>(fields[start_time_index], 10);
  if (!start_time) {
    return failure<stat_fields>("stat: field 22 (starttime) is not a number: " +
                                quote(fields[start_time_index]));
  }
  result.start_time = *start_time;
  return {result, {}};
}

parsed<status_fields> parse_status(std::string_view text) {
  std::optional<std::string> name;
  std::optional<std::uint64_t> blocked;
  while (!text.empty()) {
    const std::size_t end = std::min(text.find('\n'), text.size());
    std::string_view line = text.substr(0, end);
    text.remove_prefix(std::min(end + 1, text.size()));
    const std::size_t colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    const std::string_view key = line.substr(0, colon);
    std::string_view value = line.substr(colon + 1);
    // One tab follows the colon; a thread name may itself begin with blanks.
    if (value.starts_with('\t')) value.remove_prefix(1);
    if (key == "Name") {
      name = std::string(value);
    } else if (key == "SigBlk") {
      blocked = parse_hex(value);
      if (!blocked) {
        return failure<status_fields>("status: SigBlk is not a hexadecimal mask: " + quote(value));
      }
    }
  }
  if (!name) return failure<status_fields>("status: no Name: line");
  if (!blocked) return failure<status_fields>("status: no SigBlk: line");
  return {status_fields{std::move(*name), *blocked}, {}};
}

parsed<syscall_fields> parse_syscall(std::string_view text) {
  text = trim_end(text);
  syscall_fields result;
  if (text == "running") return {result, {}};
  const auto fields = split_fields(text);
  if (fields.empty()) return failure<syscall_fields>("syscall: empty");
  const auto number = parse_number<long>(fields[0], 10);
  if (!number || *number < -1) {
    return failure<syscall_fields>("syscall: field 1 (number) is neither \"running\" nor a number: " +
                                   quote(fields[0]));
  }
  // -1: the thread is blocked but not in a call; only the stack pointer and pc follow.
  const bool outside = *number == -1;
  const std::size_t expected = outside ? 3 : 9;
  if (fields.size() != expected) {
    return failure<syscall_fields>("syscall: expected " + std::to_string(expected) + " fields after " +
                                   std::string(fields[0]) + ", found " + std::to_string(fields.size()) +
                                   " in " + quote(text));
  }
  std::array<std::uint64_t, 8> values{};
  for (std::size_t i = 1; i < fields.size(); ++i) {
    const auto value = parse_hex(fields[i]);
    if (!value) {
      return failure<syscall_fields>("syscall: field " + std::to_string(i + 1) +
                                     " is not hexadecimal: " + quote(fields[i]));
    }
    values[i - 1] = *value;
  }
  result.number = *number;
  if (outside) {
    result.what = syscall_fields::kind::outside_call;
    result.stack_pointer = values[0];
    result.pc = values[1];
  } else {
    result.what = syscall_fields::kind::in_call;
    std::copy_n(values.begin(), 6, result.args);
    result.stack_pointer = values[6];
    result.pc = values[7];
  }
  return {result, {}};
}

namespace {

struct syscall_entry {
  long number;
  syscall_info info;
};

using call = blocking_call;

// x86-64 numbers (arch/x86/entry/syscalls/syscall_64.tbl) of the calls a thread can sit in for a
// long time. poll, ppoll, select and pselect6 take arrays of descriptors in user memory, which /proc
// does not show, so they name no fd.
constexpr syscall_entry syscall_table[] = {
    {0, {call::read, "read", 0}},
    {1, {call::write, "write", 0}},
    {2, {call::other, "open", -1}},
    {7, {call::poll, "poll", -1}},
    {16, {call::other, "ioctl", 0}},
    {17, {call::read, "pread64", 0}},
    {18, {call::write, "pwrite64", 0}},
    {19, {call::read, "readv", 0}},
    {20, {call::write, "writev", 0}},
    {23, {call::select, "select", -1}},
    {24, {call::other, "sched_yield", -1}},
    {26, {call::other, "msync", -1}},
    {34, {call::sleep, "pause", -1}},
    {35, {call::sleep, "nanosleep", -1}},
    {40, {call::other, "sendfile", 0}},
    {42, {call::connect, "connect", 0}},
    {43, {call::accept, "accept", 0}},
    {44, {call::send, "sendto", 0}},
    {45, {call::receive, "recvfrom", 0}},
    {46, {call::send, "sendmsg", 0}},
    {47, {call::receive, "recvmsg", 0}},
    {58, {call::other, "vfork", -1}},
    {61, {call::wait_child, "wait4", -1}},
    {65, {call::other, "semop", -1}},
    {69, {call::other, "msgsnd", -1}},
    {70, {call::other, "msgrcv", -1}},
    {72, {call::other, "fcntl", 0}},
    {73, {call::other, "flock", 0}},
    {74, {call::other, "fsync", 0}},
    {75, {call::other, "fdatasync", 0}},
    {128, {call::other, "rt_sigtimedwait", -1}},
    {130, {call::other, "rt_sigsuspend", -1}},
    {162, {call::other, "sync", -1}},
    {202, {call::futex, "futex", -1}},
    {208, {call::other, "io_getevents", -1}},
    {220, {call::other, "semtimedop", -1}},
    {230, {call::sleep, "clock_nanosleep", -1}},
    {232, {call::epoll, "epoll_wait", 0}},
    {242, {call::other, "mq_timedsend", 0}},
    {243, {call::other, "mq_timedreceive", 0}},
    {247, {call::wait_child, "waitid", -1}},
    {257, {call::other, "openat", -1}},
    {270, {call::select, "pselect6", -1}},
    {271, {call::poll, "ppoll", -1}},
    {275, {call::other, "splice", -1}},
    {277, {call::other, "sync_file_range", 0}},
    {281, {call::epoll, "epoll_pwait", 0}},
    {288, {call::accept, "accept4", 0}},
    {295, {call::read, "preadv", 0}},
    {296, {call::write, "pwritev", 0}},
    {299, {call::receive, "recvmmsg", 0}},
    {307, {call::send, "sendmmsg", 0}},
    {318, {call::other, "getrandom", -1}},
    {327, {call::read, "preadv2", 0}},
    {328, {call::write, "pwritev2", 0}},
    {333, {call::other, "io_pgetevents", -1}},
    {426, {call::other, "io_uring_enter", 0}},
    {441, {call::epoll, "epoll_pwait2", 0}},
    {449, {call::futex, "futex_waitv", -1}},
    {455, {call::futex, "futex_wait", -1}},
};

}  // namespace

syscall_info describe_syscall(long number) {
  for (const auto& entry : syscall_table) {
    if (entry.number == number) return entry.info;
  }
  return {};
}

std::string syscall_display_name(long number) {
  const syscall_info info = describe_syscall(number);
  if (!info.name.empty()) return std::string(info.name);
  return "syscall " + std::to_string(number);
}

}  // namespace weft::platform
