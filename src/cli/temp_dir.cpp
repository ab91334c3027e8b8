#include "cli/temp_dir.hpp"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>

#include "cli/usage_error.hpp"

namespace weft::cli {

temp_dir::temp_dir() {
  const char* base = std::getenv("TMPDIR");
  std::string pattern = std::string(base != nullptr && *base != '\0' ? base : "/tmp") + "/weft-XXXXXX";
  if (mkdtemp(pattern.data()) == nullptr)
    throw tool_error("weft: cannot make a directory like " + pattern + ": " + std::strerror(errno));
  path_ = pattern;
}

temp_dir::~temp_dir() {
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

}  // namespace weft::cli
