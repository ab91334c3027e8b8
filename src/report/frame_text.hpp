// The small pieces every rendering of a frame is made of, so that text and JSON spell them alike.
#pragma once

#include <charconv>
#include <cstdint>
#include <string>
#include <string_view>

#include "symbolize/runtime_frames.hpp"
#include "weft/snapshot.hpp"

namespace weft::report {

// The frame classifier names modules the same way (symbolize/runtime_frames.hpp).
using symbolize::module_base_name;

// "0x7f12a3b4": addresses and offsets are read in hexadecimal, as in /proc/self/maps and objdump.
[[nodiscard]] inline std::string hex_address(std::uintptr_t value) {
  char digits[2 * sizeof(value)];
  const auto result = std::to_chars(digits, digits + sizeof(digits), value, 16);
  return "0x" + std::string(digits, result.ptr);
}

// A default-constructed frame: a creation record without a creator carries one.
[[nodiscard]] inline bool is_empty_frame(const stack_frame& frame) {
  return frame.pc == 0 && frame.function.empty() && frame.file.empty() && frame.module.empty();
}

}  // namespace weft::report
