// What options::ignore_current() remembers: the threads alive at that moment.
#pragma once

#include <algorithm>
#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

namespace weft::detail {

struct baseline {
  // Records born up to here were alive or about to start; one born later is new even if the kernel
  // gave it the tid of a thread in `tids`.
  std::uint64_t last_birth = 0;
  // Sorted; includes threads weft did not see created. Shared with the baselines taken since the
  // threads last changed (the listing is reused while the kernel's count and the registry's births and
  // exits stay the same), so it may name a thread of that time that has since exited.
  std::shared_ptr<const std::vector<int>> tids;
  // Tasks (weft/tasks.hpp) registered up to here are not the code's that runs after the baseline.
  std::uint64_t last_task = 0;
  // The kernel's thread count and the registry's exit epoch at the baseline: while both and last_birth
  // are unchanged, no thread can have been created since (docs/architecture.md, "A leak check").
  int thread_count = -1;
  std::uint32_t exit_epoch = 0;

  // Whether a thread alive at check time was already alive at the baseline. `birth` is the thread's
  // registry birth number when weft saw it created.
  [[nodiscard]] bool covers(int tid, std::optional<std::uint64_t> birth) const {
    if (birth) return *birth <= last_birth;
    // A thread weft did not see created is matched by tid alone; the kernel may in principle have
    // reused the tid of a baseline thread for it, which a leak check cannot tell apart cheaply.
    return tids != nullptr && std::binary_search(tids->begin(), tids->end(), tid);
  }
};

}  // namespace weft::detail
