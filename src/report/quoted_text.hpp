// Text the user handed weft (a schedule, a file's contents, a file name, an environment variable's
// value), shown in a message: a short, escaped prefix, so that a binary or huge input cannot flood or
// garble the terminal. The one quoting rule of every message weft prints.
#pragma once

#include <string>
#include <string_view>

namespace weft::report {

// `text` in double quotes: at most `shown` bytes, quotes and backslashes escaped, anything unprintable
// (NUL, escape sequences, bytes of other encodings) as \xNN; a longer text ends with "..." and its size.
[[nodiscard]] inline std::string quoted_prefix(std::string_view text, std::size_t shown = 40) {
  constexpr std::string_view hex = "0123456789abcdef";
  std::string out = "\"";
  for (const char c : text.substr(0, shown)) {
    const auto byte = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (byte >= 0x20 && byte < 0x7F) {
      out += c;
    } else {
      out += "\\x";
      out += hex[byte >> 4];
      out += hex[byte & 0xF];
    }
  }
  out += '"';
  if (text.size() > shown) out += "... (" + std::to_string(text.size()) + " bytes)";
  return out;
}

}  // namespace weft::report
