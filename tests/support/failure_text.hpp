// A failure report without the story explore puts first (the lines up to the first blank line after
// "weft: how it fails"): what a replay of the same schedule reports, which tells no story.
#pragma once

#include <string>

namespace weft_test {

inline std::string without_story(const std::string& report) {
  if (!report.starts_with("weft: how it fails")) return report;
  const std::size_t end = report.find("\n\n");
  return end == std::string::npos ? report : report.substr(end + 2);
}

}  // namespace weft_test
