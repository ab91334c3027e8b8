#include "sched/strategies/run_coverage.hpp"

#include <algorithm>

#include "sched/strategies/prng.hpp"

namespace weft::sched {
namespace {

// Bounds that keep a long run's bookkeeping small: beyond them, new objects and sites are not
// recorded for mutations (the pairs are still counted).
constexpr std::size_t max_objects = 4096;
constexpr std::size_t max_sites_per_object = 16;
constexpr std::size_t max_writers_per_read = 16;

constexpr std::uint64_t reads_from_kind = 0x5246;
constexpr std::uint64_t switch_kind = 0x5357;

bool reads(op_kind kind) {
  return kind == op_kind::atomic_load || kind == op_kind::atomic_rmw;
}

bool writes(op_kind kind) {
  return kind == op_kind::atomic_store || kind == op_kind::atomic_rmw;
}

// The events a thread is weighed by: what it does to shared state, not going on after a release, a
// yield or a time-out, and not plain accesses at code never seen racing.
bool counts_as_event(const operation& op) {
  return op.interesting && op.kind != op_kind::after_release && op.kind != op_kind::yield &&
         op.kind != op_kind::time_out;
}

void add_distinct(std::vector<std::uintptr_t>& sites, std::uintptr_t site, std::size_t bound) {
  if (sites.size() < bound && std::find(sites.begin(), sites.end(), site) == sites.end())
    sites.push_back(site);
}

}  // namespace

run_coverage::run_coverage() : owner_(std::this_thread::get_id()) {
  add_run_observer(*this);
}

run_coverage::~run_coverage() {
  remove_run_observer(*this);
}

std::uintptr_t run_coverage::last_write_site(std::uintptr_t object) const {
  const auto found = last_write_.find(object);
  return found == last_write_.end() ? 0 : found->second;
}

std::size_t run_coverage::events_reached(thread_id thread) const {
  return thread < events_.size() ? events_[thread] : 0;
}

void run_coverage::run_started(const run& started) {
  if (std::this_thread::get_id() != owner_) return;
  watched_.store(&started, std::memory_order_relaxed);
  note_start();
}

void run_coverage::point_reached(const run& current, thread_id thread, const operation& op) {
  if (&current == watched_.load(std::memory_order_relaxed)) note_point(thread, op);
}

void run_coverage::switched(const run& current, thread_id from, thread_id to) {
  if (&current == watched_.load(std::memory_order_relaxed)) note_switch(from, to);
}

void run_coverage::run_ended(const run& ended, const run_outcome&) {
  if (&ended != watched_.load(std::memory_order_relaxed)) return;
  note_end();
  watched_.store(nullptr, std::memory_order_relaxed);
}

void run_coverage::note_start() {
  pending_.clear();
  events_.clear();
  creators_.assign(1, 0);
  last_write_.clear();
  objects_.clear();
  object_index_.clear();
  new_pairs_ = 0;
  new_reads_from_ = 0;
}

void run_coverage::note_point(thread_id thread, const operation& op) {
  if (thread >= pending_.size()) {
    pending_.resize(thread + 1, operation{op_kind::start, 0, 0, false});
    events_.resize(thread + 1, 0);
  }
  performed(thread, pending_[thread]);
  pending_[thread] = op;
  if (counts_as_event(op)) ++events_[thread];
}

void run_coverage::note_switch(thread_id from, thread_id to) {
  const auto site_of = [&](thread_id thread) -> std::uintptr_t {
    if (thread >= pending_.size()) return 0;
    const operation& op = pending_[thread];
    return op.site != 0 ? op.site : static_cast<std::uintptr_t>(op.kind) + 1;
  };
  note_pair(switch_kind, site_of(from), site_of(to));
}

void run_coverage::note_end() {
  ++runs_seen_;
  new_pairs_last_run_ = new_pairs_;
  new_reads_from_last_run_ = new_reads_from_;
  events_last_run_ = events_;
  creators_last_run_ = creators_;
  // Which sites wrote the objects each read site read, whatever the order in this run: the writes a
  // read could observe in another run.
  for (const object_sites& sites : objects_) {
    for (std::uintptr_t read : sites.reads) {
      for (std::uintptr_t write : sites.writes) {
        if (write != read) note_writer(read, write);
      }
    }
  }
}

void run_coverage::performed(thread_id thread, const operation& op) {
  if (op.kind == op_kind::create) creators_.push_back(thread);
  if (op.object == 0 || op.site == 0) return;
  if (reads(op.kind)) note_pair(reads_from_kind, last_write_site(op.object), op.site);
  if (!reads(op.kind) && !writes(op.kind)) return;
  auto found = object_index_.find(op.object);
  if (found == object_index_.end() && objects_.size() < max_objects) {
    found = object_index_.emplace(op.object, objects_.size()).first;
    objects_.emplace_back();
  }
  if (found != object_index_.end()) {
    object_sites& sites = objects_[found->second];
    if (reads(op.kind)) add_distinct(sites.reads, op.site, max_sites_per_object);
    if (writes(op.kind)) add_distinct(sites.writes, op.site, max_sites_per_object);
  }
  if (writes(op.kind)) last_write_[op.object] = op.site;
}

void run_coverage::note_pair(std::uint64_t kind, std::uintptr_t first, std::uintptr_t second) {
  if (pairs_seen_.insert(mix_bits(mix_bits(first ^ kind) + second)).second) {
    ++new_pairs_;
    if (kind == reads_from_kind) ++new_reads_from_;
  }
}

void run_coverage::note_writer(std::uintptr_t read, std::uintptr_t write) {
  auto [where, inserted] = read_site_index_.try_emplace(read, read_sites_.size());
  if (inserted) read_sites_.push_back(read_site{read, {}});
  add_distinct(read_sites_[where->second].writers, write, max_writers_per_read);
}

}  // namespace weft::sched
