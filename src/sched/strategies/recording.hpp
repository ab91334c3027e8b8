// Wraps any strategy and writes down every decision it makes, so a failing run can print its
// schedule (encode(recorded())) however the decisions were reached.
#pragma once

#include <memory>
#include <utility>

#include "sched/schedule_codec.hpp"
#include "sched/strategies/strategy.hpp"

namespace weft::sched {

class recording_strategy final : public strategy {
 public:
  // Takes ownership of `inner`, which must not be null.
  explicit recording_strategy(std::unique_ptr<strategy> inner) : inner_(std::move(inner)) {}

  // Forgets the previous run's decisions, then begins the inner strategy's run.
  [[nodiscard]] bool begin_run(std::uint64_t run_index) override;
  [[nodiscard]] std::size_t choose(std::span<const candidate> candidates, thread_id current) override;
  void end_run(std::size_t steps) override { inner_->end_run(steps); }
  [[nodiscard]] std::string_view name() const override { return inner_->name(); }

  // Every decision of the current (or just finished) run, in order.
  [[nodiscard]] const schedule& recorded() const { return recorded_; }
  [[nodiscard]] strategy& inner() { return *inner_; }

 private:
  std::unique_ptr<strategy> inner_;
  schedule recorded_;
};

}  // namespace weft::sched
