// What options::ignore_current() remembers: the threads alive at that moment.
#pragma once

#include <algorithm>
#include <cstdint>
#include <optional>
#include <vector>

namespace weft::detail {

struct baseline {
  // Records born up to here were alive or about to start; one born later is new even if the kernel
  // gave it the tid of a thread in `tids`.
  std::uint64_t last_birth = 0;
  std::vector<int> tids;  // sorted; includes threads weft did not see created
  // Tasks (weft/tasks.hpp) registered up to here are not the code's that runs after the baseline.
  std::uint64_t last_task = 0;

  // Whether a thread alive at check time was already alive at the baseline. `birth` is the thread's
  // registry birth number when weft saw it created.
  [[nodiscard]] bool covers(int tid, std::optional<std::uint64_t> birth) const {
    if (birth) return *birth <= last_birth;
    // A thread weft did not see created is matched by tid alone; the kernel may in principle have
    // reused the tid of a baseline thread for it, which a leak check cannot tell apart cheaply.
    return std::binary_search(tids.begin(), tids.end(), tid);
  }
};

}  // namespace weft::detail
