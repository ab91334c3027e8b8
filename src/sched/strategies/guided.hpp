// A schedule told by its switches instead of by every decision: "when thread 2 has reached its 5th
// scheduling point, run thread 0". A switch is keyed by its thread's own count of points, which does
// not depend on how the threads interleave, so it stays where it was when another switch is taken out:
// what shrinking a failing schedule needs (sched/shrink.hpp).
// Wherever no switch is given, the current thread goes on if it can; otherwise a candidate that does
// not wait for progress runs, chosen as free_order says. So the run preempts nobody the switches do
// not name.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "sched/observer.hpp"
#include "sched/strategies/strategy.hpp"

namespace weft::sched {

struct switch_point {
  thread_id from = 0;  // the thread that reached the decision
  // How many points `from` had reached then, and how many decisions it had been current at since the
  // last of them (a thread that blocks is current again, at the same point, when it hands on).
  std::uint32_t point = 0;
  std::uint32_t again = 0;
  thread_id to = 0;  // the thread that ran instead
  // `from` could have gone on (it was a candidate that did not wait for progress): a preemption. A
  // switch away from a thread that blocked, ended or yielded is not one.
  bool preemption = false;
  // What the run saw, for the story of a failure (sched/story.hpp); never used to follow a switch.
  // Sites are return addresses into the program, meaningful in this process only.
  operation from_before;  // the last operation `from` performed before the switch (kind start if none)
  operation from_next;    // what `from` was about to do
  operation to_next;      // what `to` did first; its site is the first one known of `to` from there
};

// Who runs when the current thread cannot go on and no switch says: the lowest-numbered candidate, or
// the one a preemption needs: first a thread that has yet to reach its preemption, then the others,
// then one a preemption is to switch to, and last a thread preempted and waiting where it was.
enum class free_order { lowest_first, preempted_first };

// A guide as text, for a run in another process (the weft command's shrinking hands it to the
// program as its replay file): "weft-guide:" then the order's letter (l or p) and each switch as
// "from.point.again.to.p" (p: 1 for a preemption), joined by ','. Only what following needs is kept:
// decoded switches have no operations.
inline constexpr std::string_view guide_prefix = "weft-guide:";
[[nodiscard]] std::string encode_guide(std::span<const switch_point> switches, free_order order);
// The switches alone, "from.point.again.to.p,...", as a run reports the ones it took.
[[nodiscard]] std::string encode_switches(std::span<const switch_point> switches);
struct decoded_guide {
  std::vector<switch_point> switches;
  free_order order = free_order::lowest_first;
};
// nullopt for text that is not an encode_guide's (or, without the prefix, an encode_switches').
[[nodiscard]] std::optional<decoded_guide> decode_guide(std::string_view text);
[[nodiscard]] std::optional<std::vector<switch_point>> decode_switches(std::string_view text);

// How many of `switches` are preemptions.
[[nodiscard]] std::size_t preemptions_in(std::span<const switch_point> switches);

// A strategy that follows a list of switches, and notes the switches its run took. When a switch's
// `to` may not run at its decision, a preemption goes to the first other candidate that may, and any
// other switch is skipped. Also a run observer (to know what
// each thread performed last), registered while it lives: make and destroy it outside a controlled run.
class guided_strategy final : public strategy, public run_observer {
 public:
  explicit guided_strategy(std::vector<switch_point> switches, free_order order = free_order::lowest_first);
  // Lets `inner` choose and only notes the switches its choices make: a replayed schedule's switches.
  explicit guided_strategy(std::unique_ptr<strategy> inner);
  ~guided_strategy() override;
  guided_strategy(const guided_strategy&) = delete;
  guided_strategy& operator=(const guided_strategy&) = delete;

  [[nodiscard]] bool begin_run(std::uint64_t run_index) override;
  [[nodiscard]] std::size_t choose(std::span<const candidate> candidates, thread_id current) override;
  void end_run(std::size_t steps) override;
  [[nodiscard]] std::string_view name() const override;

  // The switches of the current (or just finished) run, in the order they happened.
  [[nodiscard]] const std::vector<switch_point>& taken() const { return taken_; }

  void run_started(const run& started) override;
  void point_reached(const run& current, thread_id thread, const operation& op) override;

 private:
  [[nodiscard]] std::size_t free_choice(std::span<const candidate> candidates) const;
  [[nodiscard]] int free_rank(thread_id thread) const;
  void rewind();  // every switch not yet reached
  // The switch wanted where `from` decides now, if any. Each thread's (point, again) only grows, so
  // a cursor into its own switches finds it in amortized constant time, however long the schedule.
  [[nodiscard]] const switch_point* wanted_at(thread_id from, std::uint32_t point, std::uint32_t again);

  std::unique_ptr<strategy> inner_;  // null when following switches_
  std::vector<switch_point> switches_;
  // By thread id: indices into switches_ of its switches, by (point, again), and of its preemptions,
  // by point; a cursor into each (the first not yet reached, the first not yet passed); and how many
  // preemptions not yet passed switch to it.
  std::vector<std::vector<std::size_t>> switches_of_;
  std::vector<std::vector<std::size_t>> preemptions_of_;
  std::vector<std::size_t> next_switch_;
  std::vector<std::size_t> next_preemption_;
  std::vector<std::size_t> preemptions_to_;
  free_order order_ = free_order::lowest_first;
  std::vector<switch_point> taken_;
  // By thread id: the points it reached so far, the point of its last decision as current thread and
  // how many decisions it has been current at since it reached that point.
  std::vector<std::uint32_t> points_;
  std::vector<std::uint32_t> decided_point_;
  std::vector<std::uint32_t> decided_again_;
  // By thread id: the operation it reached last (pending) and the one before it (performed).
  std::vector<operation> pending_;
  std::vector<operation> performed_;
  // By thread id: the index in taken_ of a switch to it whose to_next still lacks a site.
  std::vector<std::size_t> awaiting_site_;
  const std::thread::id owner_;  // only runs this thread starts count (observers see every run)
  std::atomic<const run*> watched_{nullptr};
};

}  // namespace weft::sched
