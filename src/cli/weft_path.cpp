#include <string>

#include "cli/command.hpp"

namespace weft::cli {
namespace {
std::string path = "weft";
}

const std::string& weft_path() {
  return path;
}
void set_weft_path(std::string given) {
  path = std::move(given);
}

}  // namespace weft::cli
