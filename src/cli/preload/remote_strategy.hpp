// A strategy whose choices the weft command makes, over two pipes (../protocol.hpp): for dfs, whose
// search goes on from where the previous run, in another process, left it.
#pragma once

#include "sched/strategies/strategy.hpp"

namespace weft::cli {

class remote_strategy final : public sched::strategy {
 public:
  remote_strategy(int requests, int replies) : requests_(requests), replies_(replies) {}
  [[nodiscard]] bool begin_run(std::uint64_t) override { return true; }
  // Blocks until the command answers. If it is gone, the run goes on with the first candidate that
  // does not wait for progress.
  [[nodiscard]] std::size_t choose(std::span<const sched::candidate> candidates,
                                   sched::thread_id current) override;
  void end_run(std::size_t steps) override;
  [[nodiscard]] std::string_view name() const override { return "dfs"; }

 private:
  int requests_;
  int replies_;
};

}  // namespace weft::cli
