// Feeds a decoded schedule's decisions back, one per scheduling point, and notices when the run
// stops following it: a point with another number of candidates than recorded, more points than
// recorded, or a run that ends before using them all. From the first difference on it keeps going
// deterministically (the current thread if it can run and did not yield, else the first candidate that
// does not wait for progress) so the run still
// ends, and divergence() says where the paths parted.
#pragma once

#include <string>
#include <utility>

#include "sched/schedule_codec.hpp"
#include "sched/strategies/strategy.hpp"

namespace weft::sched {

class replaying_strategy final : public strategy {
 public:
  explicit replaying_strategy(schedule recorded) : recorded_(std::move(recorded)) {}

  // Rewinds to the first decision and forgets any divergence; every run replays the same schedule.
  [[nodiscard]] bool begin_run(std::uint64_t run_index) override;
  [[nodiscard]] std::size_t choose(std::span<const candidate> candidates, thread_id current) override;
  // Notices a run that ended before it used every recorded decision.
  void end_run(std::size_t steps) override;
  [[nodiscard]] std::string_view name() const override { return "replay"; }

  // Whether this run left the recorded path.
  [[nodiscard]] bool diverged() const { return !divergence_.empty(); }
  // Where the paths parted, such as "the run took another path at decision 12: 3 threads could run,
  // the schedule recorded 2"; empty while the run follows the schedule.
  [[nodiscard]] std::string divergence() const { return divergence_; }

 private:
  schedule recorded_;
  std::size_t next_ = 0;    // decisions taken in this run, on or off the recorded path
  std::string divergence_;  // the first divergence of this run; later ones add nothing
};

}  // namespace weft::sched
