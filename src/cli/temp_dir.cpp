#include "cli/temp_dir.hpp"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>

#include "cli/usage_error.hpp"

namespace weft::cli {

namespace {

std::string make_directory(const std::string& prefix) {
  const char* base = std::getenv("TMPDIR");
  std::string pattern =
      std::string(base != nullptr && *base != '\0' ? base : "/tmp") + "/" + prefix + "XXXXXX";
  if (mkdtemp(pattern.data()) == nullptr)
    throw tool_error("weft: cannot make a directory like " + pattern + ": " + std::strerror(errno));
  return pattern;
}

}  // namespace

temp_dir::temp_dir() : path_(make_directory("weft-")) {}

std::string make_fresh_directory() {
  return make_directory("weft-run-");
}

temp_dir::~temp_dir() {
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

}  // namespace weft::cli
