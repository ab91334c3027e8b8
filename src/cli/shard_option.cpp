#include "cli/shard_option.hpp"

#include <regex>

#include "cli/usage_error.hpp"

namespace weft::cli {

shard shard_setting(const std::string& given) {
  if (given.empty()) return {};
  // Nine digits at most: every such number fits, and no machine runs more shards.
  static const std::regex shape(R"((\d{1,9})/(\d{1,9}))");
  std::smatch parts;
  if (!std::regex_match(given, parts, shape)) {
    throw usage_error("--shard must be i/n, as in 0/4; got \"" + given + "\"");
  }
  const shard chosen{std::stoul(parts[1]), std::stoul(parts[2])};
  if (chosen.count == 0 || chosen.index >= chosen.count) {
    throw usage_error("--shard i/n needs 0 <= i < n; got \"" + given + "\"");
  }
  return chosen;
}

}  // namespace weft::cli
