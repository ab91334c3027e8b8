// A multi-line text carried as one line: a run's result file and a forked run's pipe are read line by
// line, and race reports and failure texts span several. One escaping for every such channel.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace weft::report {

// Backslash, line break and tab escaped; from_one_line undoes it.
inline std::string as_one_line(std::string_view text) {
  std::string line;
  for (const char c : text) {
    if (c == '\\') {
      line += "\\\\";
    } else if (c == '\n') {
      line += "\\n";
    } else if (c == '\t') {
      line += "\\t";
    } else {
      line += c;
    }
  }
  return line;
}

inline std::string from_one_line(std::string_view line) {
  std::string text;
  for (std::size_t i = 0; i < line.size(); ++i) {
    if (line[i] != '\\' || i + 1 == line.size()) {
      text += line[i];
      continue;
    }
    const char escaped = line[++i];
    text += escaped == 'n' ? '\n' : escaped == 't' ? '\t' : escaped;
  }
  return text;
}

}  // namespace weft::report
