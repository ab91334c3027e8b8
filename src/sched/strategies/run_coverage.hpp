// What the runs of this process have done, for the strategies that learn from earlier runs (surw,
// rff, the portfolio): which write each read observed (reads-from pairs, by the two call sites), which
// context switches happened (by the sites the two threads were at), and how many interesting events
// each thread performed.
//
// A run_observer: it reconstructs the order in which operations were performed from the points alone.
// A thread reaching a point has performed its previous operation, and no other thread ran in between
// (one thread holds the baton), so "performed" is noted when its thread reaches its next point.
// Call sites are addresses and differ between processes; nothing here is ever iterated in an order that
// depends on them, so what a strategy learns is the same in every process for the same runs. What it
// learned never enters a schedule: a replay repeats the recorded decisions.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <thread>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "sched/observer.hpp"

namespace weft::sched {

class run_coverage final : public run_observer {
 public:
  // Registers itself as a run observer (so it must be made and destroyed outside a controlled run).
  run_coverage();
  ~run_coverage() override;
  run_coverage(const run_coverage&) = delete;
  run_coverage& operator=(const run_coverage&) = delete;

  // During a run: the site of the last write to `object` performed in this run, 0 when none was.
  [[nodiscard]] std::uintptr_t last_write_site(std::uintptr_t object) const;
  // During a run: how many interesting events `thread` has reached in this run (the pending one too).
  [[nodiscard]] std::size_t events_reached(thread_id thread) const;

  // After a run: how many reads-from and switch pairs it reached that no earlier run of this process
  // had.
  [[nodiscard]] std::size_t new_pairs_last_run() const { return new_pairs_last_run_; }
  // After a run: how many of those were reads-from pairs.
  [[nodiscard]] std::size_t new_reads_from_last_run() const { return new_reads_from_last_run_; }
  // How many runs have ended under this object's eyes (the ones fork_each_run makes in children
  // never do).
  [[nodiscard]] std::size_t runs_seen() const { return runs_seen_; }
  // After a run: each thread's interesting events in that run, by thread id.
  [[nodiscard]] const std::vector<std::size_t>& events_last_run() const { return events_last_run_; }
  // After a run: the thread that created each thread in that run, by thread id (thread 0 has itself).
  [[nodiscard]] const std::vector<thread_id>& creators_last_run() const { return creators_last_run_; }
  // During a run: how many threads it has created so far, thread 0 included (ids below it exist).
  [[nodiscard]] std::size_t threads_created() const { return creators_.size(); }

  // Every read site seen reading an object that some other site wrote, in the order first seen, and
  // for each the write sites seen writing the objects it read (first seen first): what rff's
  // mutations choose among.
  struct read_site {
    std::uintptr_t site = 0;
    std::vector<std::uintptr_t> writers;
  };
  [[nodiscard]] const std::vector<read_site>& read_sites() const { return read_sites_; }

  // The observer's calls, each handed to the note_ function below, which tests call directly. Only the
  // runs started by the thread that made this object count: observers see every run of the process,
  // and another thread may be exploring something else at the same time.
  void run_started(const run& started) override;
  void point_reached(const run& current, thread_id thread, const operation& op) override;
  void switched(const run& current, thread_id from, thread_id to) override;
  void run_ended(const run& ended, const run_outcome& outcome) override;

  void note_start();
  void note_point(thread_id thread, const operation& op);
  void note_switch(thread_id from, thread_id to);
  void note_end();

 private:
  void performed(thread_id thread, const operation& op);
  void note_pair(std::uint64_t kind, std::uintptr_t first, std::uintptr_t second);
  void note_writer(std::uintptr_t read, std::uintptr_t write);

  struct object_sites {
    std::vector<std::uintptr_t> writes;  // distinct, at most max_sites_per_object
    std::vector<std::uintptr_t> reads;
  };

  const std::thread::id owner_;               // the thread whose runs count
  std::atomic<const run*> watched_{nullptr};  // the run in progress that counts, if any
  // This run.
  std::vector<operation> pending_;   // by thread id: the operation it reached last
  std::vector<std::size_t> events_;  // by thread id
  // By thread id: threads are numbered in the order their creates were performed, so the n-th create
  // performed made thread n.
  std::vector<thread_id> creators_;
  std::unordered_map<std::uintptr_t, std::uintptr_t> last_write_;  // object -> site
  // The objects read or written, in the order first touched (an order that does not depend on
  // addresses), and where each is in that list.
  std::vector<object_sites> objects_;
  std::unordered_map<std::uintptr_t, std::size_t> object_index_;
  std::size_t new_pairs_ = 0;
  std::size_t new_reads_from_ = 0;
  // Every run so far.
  std::unordered_set<std::uint64_t> pairs_seen_;
  std::unordered_map<std::uintptr_t, std::size_t> read_site_index_;  // into read_sites_
  std::vector<read_site> read_sites_;
  std::size_t runs_seen_ = 0;
  std::size_t new_pairs_last_run_ = 0;
  std::size_t new_reads_from_last_run_ = 0;
  std::vector<std::size_t> events_last_run_;
  std::vector<thread_id> creators_last_run_;
};

}  // namespace weft::sched
