#include "cli/output_path.hpp"

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "cli/usage_error.hpp"
#include "report/quoted_text.hpp"

namespace weft::cli {
namespace {

[[noreturn]] void refuse(const std::string& option, const std::string& path, const std::string& why) {
  throw usage_error(option + " " + report::quoted_prefix(path, 200) + ": " + why);
}

}  // namespace

void check_writable_file(const std::string& option, const std::string& path) {
  namespace fs = std::filesystem;
  std::error_code error;
  const fs::path file(path);
  if (fs::is_directory(file, error)) refuse(option, path, "is a directory; give a file name");
  if (fs::exists(file, error)) {
    if (access(path.c_str(), W_OK) != 0) refuse(option, path, std::strerror(errno));
    return;
  }
  const fs::path parent = file.has_parent_path() ? file.parent_path() : fs::path(".");
  if (!fs::is_directory(parent, error)) refuse(option, path, "its directory does not exist");
  if (access(parent.c_str(), W_OK | X_OK) != 0)
    refuse(option, path, "cannot create it: " + std::string(std::strerror(errno)));
}

void prepare_writable_directory(const std::string& option, const std::string& path) {
  std::error_code error;
  std::filesystem::create_directories(path, error);
  if (error) refuse(option, path, error.message());
  if (!std::filesystem::is_directory(path, error)) refuse(option, path, "is not a directory");
  if (access(path.c_str(), W_OK | X_OK) != 0) refuse(option, path, std::strerror(errno));
}

}  // namespace weft::cli
