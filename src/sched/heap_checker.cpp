#include "sched/heap_checker.hpp"

#include <cstdio>
#include <iterator>
#include <new>
#include <string>

#include "platform/allocator.hpp"
#include "sched/managed_thread.hpp"

namespace weft::sched {
namespace {

// Set while the calling thread holds the checker's lock: the checker's own maps allocate and free,
// and those calls come back through the program's malloc and free to the checker.
[[gnu::tls_model("initial-exec")]] constinit thread_local bool inside_checker = false;

class checker_lock {
 public:
  explicit checker_lock(std::mutex& mutex) : hold_(mutex) { inside_checker = true; }
  ~checker_lock() { inside_checker = false; }
  checker_lock(const checker_lock&) = delete;
  checker_lock& operator=(const checker_lock&) = delete;

 private:
  std::lock_guard<std::mutex> hold_;
};

heap_event event_of(const managed_thread& me, std::uintptr_t site) {
  return {me.id, me.stack_node, site, {}};
}

std::string hex(std::uintptr_t address) {
  char text[2 + 2 * sizeof address + 1];
  std::snprintf(text, sizeof text, "0x%llx", static_cast<unsigned long long>(address));
  return text;
}

void free_all_for_real(const std::vector<std::uintptr_t>& blocks) {
  for (std::uintptr_t block : blocks) platform::free_for_real(reinterpret_cast<void*>(block));
}

}  // namespace

bool heap_checker::tracks(const managed_thread& me) const {
  return run_ != nullptr && me.owner == run_;
}

void heap_checker::run_started(const run& started) {
  std::vector<std::uintptr_t> left;
  {
    checker_lock lock(mutex_);
    // A run that ended without run_ended (its controller gave up on it) leaves its blocks here.
    for (const auto& [block, freed] : quarantine_) left.push_back(block);
    quarantine_.clear();
    free_order_.clear();
    live_.clear();
    quarantined_bytes_ = 0;
    quarantined_count_.store(0, std::memory_order_relaxed);
    run_ = &started;
  }
  free_all_for_real(left);
}

void heap_checker::run_ended(const run& ended) {
  std::vector<std::uintptr_t> left;
  {
    checker_lock lock(mutex_);
    if (run_ != &ended) return;
    for (const auto& [block, freed] : quarantine_) left.push_back(block);
    quarantine_.clear();
    free_order_.clear();
    live_.clear();
    quarantined_bytes_ = 0;
    quarantined_count_.store(0, std::memory_order_relaxed);
    run_ = nullptr;
  }
  free_all_for_real(left);
}

void heap_checker::allocated(const managed_thread& me, std::uintptr_t block, std::size_t size,
                             std::uintptr_t site) {
  if (inside_checker) return;
  checker_lock lock(mutex_);
  if (!tracks(me)) return;
  // The allocator handed out a block the quarantine still holds: somebody freed it behind the
  // checker's back (inside the C library), so it is no longer the checker's to free.
  if (auto stale = quarantine_.find(block); stale != quarantine_.end()) {
    quarantined_bytes_ -= stale->second.size;
    free_order_.erase(stale->second.order);
    quarantine_.erase(stale);
    quarantined_count_.store(quarantine_.size(), std::memory_order_relaxed);
  }
  live_.insert_or_assign(block, live_block{size, event_of(me, site)});
}

heap_checker::free_verdict heap_checker::freeing(const managed_thread* me, std::uintptr_t block,
                                                 std::uintptr_t site) {
  free_verdict verdict;
  if (inside_checker) return verdict;
  std::vector<std::uintptr_t> evicted;
  {
    checker_lock lock(mutex_);
    const bool tracked = me != nullptr && tracks(*me);
    if (auto again = quarantine_.find(block); again != quarantine_.end()) {
      // Freed once already and still held here: freeing it for real now would free it twice later.
      verdict.release_now = false;
      if (tracked) {
        verdict.misuse = heap_misuse{.what = heap_misuse::kind::double_free,
                                     .address = block,
                                     .block = block,
                                     .block_size = again->second.size,
                                     .bad = event_of(*me, site),
                                     .freed = again->second.freed,
                                     .allocated = again->second.allocated};
      }
      return verdict;
    }
    auto known = live_.find(block);
    if (known == live_.end()) return verdict;  // allocated before the run, or by code it does not track
    live_block freed = std::move(known->second);
    live_.erase(known);
    if (!tracked) return verdict;  // a released thread's free: unordered with the run, not checked
    verdict.forgotten = freed.size;
    if (freed.size > quarantine_bytes) return verdict;
    verdict.release_now = false;
    const std::uint64_t order = frees_++;
    quarantine_.emplace(block,
                        freed_block{freed.size, order, std::move(freed.allocated), event_of(*me, site)});
    free_order_.emplace(order, block);
    quarantined_bytes_ += freed.size;
    evict_past_bounds(evicted);
    quarantined_count_.store(quarantine_.size(), std::memory_order_relaxed);
  }
  free_all_for_real(evicted);
  return verdict;
}

void heap_checker::evict_past_bounds(std::vector<std::uintptr_t>& evicted) {
  while (!free_order_.empty() &&
         (quarantined_bytes_ > quarantine_bytes || quarantine_.size() > quarantine_blocks)) {
    const auto oldest = free_order_.begin();
    const auto block = quarantine_.find(oldest->second);
    quarantined_bytes_ -= block->second.size;
    evicted.push_back(block->first);
    quarantine_.erase(block);
    free_order_.erase(oldest);
  }
}

std::optional<heap_misuse> heap_checker::check_access(const managed_thread& me, std::uintptr_t address,
                                                      std::size_t size, bool write, std::uintptr_t site) {
  if (inside_checker || size == 0) return std::nullopt;
  checker_lock lock(mutex_);
  if (!tracks(me)) return std::nullopt;
  const std::uintptr_t last = address + size - 1;
  auto after = quarantine_.upper_bound(last);
  if (after == quarantine_.begin()) return std::nullopt;
  const auto& [block, freed] = *std::prev(after);
  if (block + freed.size <= address) return std::nullopt;
  return heap_misuse{.what = heap_misuse::kind::use_after_free,
                     .address = address,
                     .size = size,
                     .write = write,
                     .block = block,
                     .block_size = freed.size,
                     .bad = event_of(me, site),
                     .freed = freed.freed,
                     .allocated = freed.allocated};
}

std::string describe(const heap_misuse& misuse) {
  const std::string block = std::to_string(misuse.block_size) + "-byte block at " + hex(misuse.block);
  if (misuse.what == heap_misuse::kind::double_free) {
    return "weft: double-free: thread " + std::to_string(misuse.bad.thread) + " freed the " + block +
           ", which thread " + std::to_string(misuse.freed.thread) + " had freed already";
  }
  return "weft: use-after-free: thread " + std::to_string(misuse.bad.thread) +
         (misuse.write ? " wrote " : " read ") + std::to_string(misuse.size) + " byte" +
         (misuse.size == 1 ? "" : "s") + " at offset " + std::to_string(misuse.address - misuse.block) +
         " of the " + block + ", which thread " + std::to_string(misuse.freed.thread) + " had freed";
}

heap_checker& heap() {
  // Built in place: a first call must not reach the program's operator new, which asks the checker.
  alignas(heap_checker) static unsigned char storage[sizeof(heap_checker)];
  static heap_checker* const the_checker = new (storage) heap_checker;
  return *the_checker;
}

}  // namespace weft::sched
