// Writing the result file of the protocol (../protocol.hpp) from inside the program.
#pragma once

#include <string>
#include <string_view>

namespace weft::cli {

// Builds the file's text: the magic line, then "key: value" lines, then an optional report.
class result_text {
 public:
  result_text();
  result_text& add(std::string_view key, std::string_view value);
  result_text& add(std::string_view key, long long value) { return add(key, std::to_string(value)); }
  result_text& report(std::string_view text);
  [[nodiscard]] const std::string& text() const { return text_; }

 private:
  std::string text_;
};

// Opens (truncating) the result file for appending; -1 when `path` is empty or cannot be opened, in
// which case the reason is printed on stderr.
[[nodiscard]] int open_result_file(const std::string& path);
// Appends `text` with as few writes as it takes; safe in a signal handler's aftermath (no allocation).
void write_result(int fd, const std::string& text);

}  // namespace weft::cli
