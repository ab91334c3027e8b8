#include "leaks/baseline.hpp"

#include <memory>
#include <mutex>

#include "platform/own_code.hpp"
#include "platform/threads.hpp"
#include "registry/registry.hpp"
#include "tasks/task_registry.hpp"
#include "weft/options.hpp"

namespace weft {
namespace {

// The last listing of /proc/self/task and what the threads looked like then. A suite of tests that
// start no thread takes one listing, not one per test.
struct listing {
  int thread_count = -1;
  std::uint64_t last_birth = 0;
  std::uint32_t exit_epoch = 0;
  std::shared_ptr<const std::vector<int>> tids;
};

std::mutex last_listing_lock;
listing last_listing;

std::shared_ptr<const std::vector<int>> threads_listed(int thread_count, std::uint64_t last_birth,
                                                       std::uint32_t exit_epoch) {
  const platform::own_code_section weft_lock_inside;
  const std::lock_guard hold(last_listing_lock);
  if (thread_count < 0 || last_listing.tids == nullptr || last_listing.thread_count != thread_count ||
      last_listing.last_birth != last_birth || last_listing.exit_epoch != exit_epoch) {
    auto tids = std::make_shared<std::vector<int>>();
    platform::list_threads(*tids);
    last_listing = {thread_count, last_birth, exit_epoch, std::move(tids)};
  }
  return last_listing.tids;
}

}  // namespace

options& options::ignore_current() {
  auto taken = std::make_shared<detail::baseline>();
  // Birth and exit first, the count after them: a thread created or ended in between makes the check
  // take its slow path, never its fast one.
  taken->last_birth = registry::last_birth();
  taken->exit_epoch = registry::exit_epoch();
  taken->last_task = tasks::last_task_id();
  taken->thread_count = platform::thread_count();
  taken->tids = threads_listed(taken->thread_count, taken->last_birth, taken->exit_epoch);
  baseline_ = std::move(taken);
  return *this;
}

options& options::ignore_current_after_clean_check() {
  // The clean check saw the kernel's thread count unchanged since this baseline; weft's own counters
  // say whether any thread it sees came or went since.
  const detail::baseline* kept = baseline_.get();
  if (kept != nullptr && kept->thread_count >= 0 && registry::last_birth() == kept->last_birth &&
      registry::exit_epoch() == kept->exit_epoch && tasks::last_task_id() == kept->last_task) {
    return *this;
  }
  return ignore_current();
}

}  // namespace weft
