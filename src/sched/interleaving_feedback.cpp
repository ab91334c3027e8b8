#include "sched/interleaving_feedback.hpp"

#include <array>
#include <atomic>

#include "sched/observer.hpp"

namespace weft::sched {
namespace {

// The counters in use; null while feedback is off. `counter_count` is written before the pointer is
// published and read after it is seen.
std::atomic<std::uint8_t*> counter_base{nullptr};
std::atomic<std::size_t> counter_count{0};

std::uint64_t mix(std::uint64_t x) {
  // The finalizer of MurmurHash3: every input bit reaches every output bit, so nearby return
  // addresses land on unrelated counters.
  x ^= x >> 33;
  x *= 0xff51afd7ed558ccdULL;
  x ^= x >> 33;
  x *= 0xc4ceb9fe1a85ec53ULL;
  x ^= x >> 33;
  return x;
}

// Each kind of pair has its own salt, so that a switch pair and a reads-from pair of the same two sites
// are different features.
enum class pair_kind : std::uint64_t { context_switch = 0x5157, reads_from = 0x52465246 };

void count_pair(pair_kind kind, std::uint64_t first, std::uint64_t second) noexcept {
  std::uint8_t* base = counter_base.load(std::memory_order_acquire);
  if (base == nullptr) return;
  const std::size_t count = counter_count.load(std::memory_order_relaxed);
  const std::uint64_t hash = mix(mix(first ^ static_cast<std::uint64_t>(kind)) + second);
  // Saturating: a counter that wrapped to 0 would tell the fuzzer the pair never happened. The
  // increment is not atomic as a whole; a lost count between racing threads only blurs the signal.
  std::atomic_ref<std::uint8_t> counter(base[hash % count]);
  const std::uint8_t seen = counter.load(std::memory_order_relaxed);
  if (seen != 0xFF) counter.store(static_cast<std::uint8_t>(seen + 1), std::memory_order_relaxed);
}

// Where each thread of the run in progress is: its pending operation. A site of 0 (unknown) falls back
// to the operation's kind, which still tells a lock from a join.
class switch_counter final : public run_observer {
 public:
  void run_started(const run&) override { where_.fill(0); }
  void point_reached(const run&, thread_id thread, const operation& op) override {
    where_[thread % where_.size()] = op.site != 0 ? op.site : static_cast<std::uintptr_t>(op.kind) + 1;
  }
  void switched(const run&, thread_id from, thread_id to) override {
    count_pair(pair_kind::context_switch, where_[from % where_.size()], where_[to % where_.size()]);
  }
  void read_from(thread_id, std::uintptr_t write_site, std::uintptr_t read_site) override {
    count_pair(pair_kind::reads_from, write_site, read_site);
  }

 private:
  // Threads past the 256th share slots with earlier ones: the pairs they make are still pairs of
  // real sites, only sometimes attributed to a sibling's last point.
  std::array<std::uintptr_t, 256> where_{};
};

switch_counter observer;
bool observer_registered = false;

}  // namespace

void start_interleaving_feedback(std::span<std::uint8_t> counters) {
  stop_interleaving_feedback();
  if (counters.empty()) return;
  counter_count.store(counters.size(), std::memory_order_relaxed);
  counter_base.store(counters.data(), std::memory_order_release);
  add_run_observer(observer);
  observer_registered = true;
}

void stop_interleaving_feedback() {
  counter_base.store(nullptr, std::memory_order_release);
  if (observer_registered) remove_run_observer(observer);
  observer_registered = false;
}

}  // namespace weft::sched
