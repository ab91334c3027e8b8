// What the weft command's tests read back: lines of its output, its JSON files, and a scratch
// directory per test.
#pragma once

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

namespace weft_test {

// The first line of `text` that starts with `prefix`, or "".
inline std::string line_starting(const std::string& text, const std::string& prefix) {
  const std::size_t at = text.find("\n" + prefix);
  if (at == std::string::npos) return text.rfind(prefix, 0) == 0 ? text.substr(0, text.find('\n')) : "";
  return text.substr(at + 1, text.find('\n', at + 1) - at - 1);
}

// An empty directory of this process, named after the test.
inline std::filesystem::path scratch_dir(const std::string& name) {
  const auto dir =
      std::filesystem::temp_directory_path() / ("weft-cli-test-" + name + "-" + std::to_string(getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

inline nlohmann::json read_json(const std::filesystem::path& path) {
  std::ifstream in(path);
  return nlohmann::json::parse(in);
}

}  // namespace weft_test
