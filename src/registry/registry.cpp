// The thread records: one per thread weft saw created, from pthread_create until the thread leaves its
// start routine. Every record is heap-allocated once, in begin_creation, and freed when its thread
// finishes; the containers only point at records.
#include "registry/registry.hpp"

#include <algorithm>
#include <array>
#include <atomic>
#include <mutex>
#include <new>
#include <unordered_map>

#include "platform/threads.hpp"

namespace weft::registry {

// Deeper creation stacks are cut: 64 frames reach well past any thread pool's spawn function, and a
// fixed array keeps begin_creation at one allocation.
constexpr std::size_t max_creation_pcs = 64;

// One creation stack's counts; allocated once per distinct stack and never freed, so that a record
// may point at its site for its whole life, through a fork too.
struct creation_site {
  std::uint64_t created = 0;  // guarded by the registry mutex, like the two below
  std::uint64_t exited = 0;
  std::size_t pc_count = 0;
  std::array<std::uintptr_t, max_creation_pcs> creation_pcs{};
};

struct pending_thread {
  std::uint64_t birth = 0;
  int tid = 0;  // 0 until thread_started; guarded by the registry mutex
  int creator_tid = 0;
  const char* test = nullptr;
  std::uintptr_t start_routine = 0;
  std::size_t pc_count = 0;
  std::array<std::uintptr_t, max_creation_pcs> creation_pcs{};
  creation_site* site = nullptr;  // nullptr when there was no memory for a new site
  // Links of the birth-ordered list of unfinished records, guarded by the registry mutex.
  pending_thread* earlier = nullptr;
  pending_thread* later = nullptr;
};

namespace {

struct registry_state {
  std::mutex mutex;
  // Every unfinished record, started or not, oldest first: teardown checks walk back from `newest`
  // only as far as the births they ask about.
  pending_thread* oldest = nullptr;
  pending_thread* newest = nullptr;
  std::unordered_map<int, pending_thread*> started;  // by tid
  // Sites by a hash of their creation stack. Two stacks with one 64-bit hash would share counts, which
  // would take billions of distinct creation stacks to happen by chance.
  std::unordered_map<std::uint64_t, creation_site*> sites;
  // The tids of the threads that finished last, oldest overwritten first. The kernel lists a thread
  // for a few microseconds after its routine returned; a check that sees it then knows it is leaving.
  std::array<int, 256> finished{};
  std::size_t finished_count = 0;
  // The parent's state, abandoned in a fork()ed child. Kept reachable so that leak checkers do not
  // report the records of threads that only exist in the parent.
  const registry_state* abandoned_at_fork = nullptr;
};

// Never destroyed: detached threads may finish while static destructors run at exit. Created on first
// use because pthread_create may be called by other libraries' global constructors before ours run.
registry_state*& state_slot() {
  static registry_state* slot = new registry_state;
  return slot;
}

registry_state& state() {
  return *state_slot();
}

constinit std::atomic<std::uint64_t> births{0};
constinit std::atomic<std::uint32_t> exit_epoch_word{0};
// The calling thread's own record, so that a fork()ed child can keep it and nothing else.
constinit thread_local pending_thread* own_record = nullptr;

void append(registry_state& s, pending_thread* record) {
  record->earlier = s.newest;
  record->later = nullptr;
  (s.newest != nullptr ? s.newest->later : s.oldest) = record;
  s.newest = record;
}

void unlink(registry_state& s, pending_thread* record) {
  (record->earlier != nullptr ? record->earlier->later : s.oldest) = record->later;
  (record->later != nullptr ? record->later->earlier : s.newest) = record->earlier;
  record->earlier = record->later = nullptr;
}

std::uint64_t hash_of(std::span<const std::uintptr_t> pcs) {
  std::uint64_t hash = 14695981039346656037ull;  // FNV-1a, over whole words: cheap and good enough here
  for (std::uintptr_t pc : pcs) {
    hash ^= pc;
    hash *= 1099511628211ull;
  }
  return hash;
}

// The site of a new record, created on its first thread. Called with the registry mutex held.
creation_site* site_for(registry_state& s, const pending_thread& record) {
  const std::uint64_t hash = hash_of({record.creation_pcs.data(), record.pc_count});
  if (auto it = s.sites.find(hash); it != s.sites.end()) return it->second;
  auto* site = new (std::nothrow) creation_site;
  if (site == nullptr) return nullptr;
  site->pc_count = record.pc_count;
  site->creation_pcs = record.creation_pcs;
  try {
    s.sites.emplace(hash, site);
  } catch (const std::bad_alloc&) {
    delete site;
    return nullptr;
  }
  return site;
}

// Removes a record that ends, started or not, and wakes whoever waits for records to end. A record
// whose pthread_create failed is taken back from its site's count rather than counted as exited.
void end_record(pending_thread* record, bool thread_ran = true) {
  registry_state& s = state();
  {
    std::lock_guard lock(s.mutex);
    if (record->site != nullptr) {
      if (thread_ran) {
        ++record->site->exited;
      } else {
        --record->site->created;
      }
    }
    unlink(s, record);
    if (auto it = s.started.find(record->tid); it != s.started.end() && it->second == record) {
      s.started.erase(it);
    }
    if (record->tid != 0) s.finished[s.finished_count++ % s.finished.size()] = record->tid;
  }
  if (own_record == record) own_record = nullptr;
  delete record;
  exit_epoch_word.fetch_add(1, std::memory_order_release);
  platform::wake_all(exit_epoch_word);
}

thread_record copy_of(const pending_thread& record) {
  return thread_record{
      .birth = record.birth,
      .tid = record.tid,
      .creation_pcs = {record.creation_pcs.begin(), record.creation_pcs.begin() + record.pc_count},
      .test = record.test,
      .creator_tid = record.creator_tid,
      .start_routine = record.start_routine,
  };
}

}  // namespace

// ---- read side --------------------------------------------------------------------------------

std::uint64_t last_birth() {
  return births.load(std::memory_order_acquire);
}

std::size_t count_live_born_after(std::uint64_t birth) {
  registry_state& s = state();
  std::lock_guard lock(s.mutex);
  std::size_t count = 0;
  for (const pending_thread* r = s.newest; r != nullptr && r->birth > birth; r = r->earlier) ++count;
  return count;
}

void live_born_after(std::uint64_t birth, std::vector<thread_record>& out) {
  registry_state& s = state();
  std::lock_guard lock(s.mutex);
  const pending_thread* first = nullptr;
  for (const pending_thread* r = s.newest; r != nullptr && r->birth > birth; r = r->earlier) first = r;
  for (const pending_thread* r = first; r != nullptr; r = r->later) out.push_back(copy_of(*r));
}

std::optional<thread_record> find_live(int tid) {
  registry_state& s = state();
  std::lock_guard lock(s.mutex);
  auto it = s.started.find(tid);
  if (it == s.started.end()) return std::nullopt;
  return copy_of(*it->second);
}

bool is_live(int tid) {
  registry_state& s = state();
  std::lock_guard lock(s.mutex);
  return s.started.contains(tid);
}

bool finished_recently(int tid) {
  registry_state& s = state();
  std::lock_guard lock(s.mutex);
  return tid != 0 && !s.started.contains(tid) &&
         std::find(s.finished.begin(), s.finished.end(), tid) != s.finished.end();
}

namespace {

// Listed by a static initializer rather than at the first question, which may come after the program
// started threads of its own. Never destroyed, like the records.
const std::vector<int>& threads_at_load() {
  static const std::vector<int>* const tids = [] {
    auto* listed = new std::vector<int>;
    platform::list_threads(*listed);
    return listed;
  }();
  return *tids;
}

[[maybe_unused]] const bool threads_listed_at_load = !threads_at_load().empty();

}  // namespace

bool existed_at_load(int tid) {
  const std::vector<int>& tids = threads_at_load();
  return std::binary_search(tids.begin(), tids.end(), tid);
}

std::uint32_t exit_epoch() {
  return exit_epoch_word.load(std::memory_order_acquire);
}

void wait_for_exit(std::uint32_t seen_epoch, std::chrono::steady_clock::time_point deadline) {
  // wait_for_change may return spuriously, so the remaining time is recomputed on every round.
  while (exit_epoch() == seen_epoch) {
    auto now = std::chrono::steady_clock::now();
    if (now >= deadline) return;
    platform::wait_for_change(exit_epoch_word, seen_epoch, deadline - now);
  }
}

void read_census(census_records& out) {
  registry_state& s = state();
  std::lock_guard lock(s.mutex);
  std::unordered_map<const creation_site*, std::size_t> index_of;
  index_of.reserve(s.sites.size());
  out.sites.reserve(out.sites.size() + s.sites.size());
  for (const auto& [hash, site] : s.sites) {
    index_of.emplace(site, out.sites.size());
    out.sites.push_back(site_counts{
        .creation_pcs = {site->creation_pcs.begin(), site->creation_pcs.begin() + site->pc_count},
        .created = site->created,
        .exited = site->exited,
    });
  }
  for (const pending_thread* r = s.oldest; r != nullptr; r = r->later) {
    if (r->site == nullptr) continue;
    auto it = index_of.find(r->site);
    if (it == index_of.end()) continue;
    if (r->tid == 0) {
      out.pending.push_back(it->second);
    } else {
      out.live.push_back({r->tid, it->second});
    }
  }
}

// ---- write side -------------------------------------------------------------------------------

pending_thread* begin_creation(std::span<const std::uintptr_t> pcs, std::uintptr_t start_routine) {
  // nothrow: this runs inside pthread_create, which reports running out of memory as EAGAIN.
  auto* record = new (std::nothrow) pending_thread;
  if (record == nullptr) return nullptr;
  record->pc_count = std::min(pcs.size(), max_creation_pcs);
  std::copy_n(pcs.begin(), record->pc_count, record->creation_pcs.begin());
  record->start_routine = start_routine;
  record->test = current_test();
  record->creator_tid = platform::current_tid();
  registry_state& s = state();
  std::lock_guard lock(s.mutex);
  // Numbered under the lock so that the list stays in birth order.
  record->birth = births.fetch_add(1, std::memory_order_acq_rel) + 1;
  append(s, record);
  record->site = site_for(s, *record);
  if (record->site != nullptr) ++record->site->created;
  return record;
}

void creation_failed(pending_thread* thread) {
  end_record(thread, /*thread_ran=*/false);
}

void thread_started(pending_thread* thread, int tid) {
  registry_state& s = state();
  {
    std::lock_guard lock(s.mutex);
    thread->tid = tid;
    s.started.insert_or_assign(tid, thread);
  }
  own_record = thread;
}

void thread_finished(pending_thread* thread) {
  end_record(thread);
}

void forget_all_but_caller(int new_tid) {
  // Only the caller survives fork(). Another thread may have held the mutex, or been halfway through
  // changing the list or the map, at that instant: the child starts from a fresh state instead of
  // locking or walking the inherited one.
  registry_state* inherited = state_slot();
  auto* fresh = new registry_state;
  fresh->abandoned_at_fork = inherited;
  if (pending_thread* own = own_record) {
    // Unlinked first, which touches only its two neighbours, so that the abandoned list stays whole.
    unlink(*inherited, own);
    own->tid = new_tid;
    append(*fresh, own);
    fresh->started.emplace(new_tid, own);
    // The child counts its own sites from zero; its one thread is counted as created there.
    own->site = site_for(*fresh, *own);
    if (own->site != nullptr) ++own->site->created;
  }
  state_slot() = fresh;
}

}  // namespace weft::registry
