// `--shard i/n` of explore and test: this process takes every n-th item (runs, or tests), starting at
// the i-th, so that n CI jobs split one exploration between them.
#pragma once

#include <cstddef>
#include <string>

namespace weft::cli {

struct shard {
  std::size_t index = 0;
  std::size_t count = 1;
};

// The shard `given` names (empty: the whole, 0/1). Throws usage_error naming --shard when it is not
// i/n with 0 <= i < n.
[[nodiscard]] shard shard_setting(const std::string& given);

}  // namespace weft::cli
