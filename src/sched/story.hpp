// A failing run told as a short story: only its preemptions, each as "thread 2 (created at
// queue.cpp:41) ran `pop` at queue.cpp:88 between thread 1's atomic_load at queue.cpp:70 and its
// atomic_rmw at queue.cpp:74", then the failure.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "sched/observer.hpp"
#include "sched/strategies/guided.hpp"

namespace weft::sched {

// Where each thread of a run was created: the creating thread's stack at its pthread_create, captured
// at the create's scheduling point. A run observer, registered while it lives (make and destroy it
// outside a controlled run); it watches only the runs started by the thread that made it.
class thread_origins final : public run_observer {
 public:
  thread_origins();
  ~thread_origins() override;
  thread_origins(const thread_origins&) = delete;
  thread_origins& operator=(const thread_origins&) = delete;

  // By thread id, the creating stack of each thread of the last run (raw return addresses, innermost
  // first); thread 0's, and those whose create was not seen, are empty.
  [[nodiscard]] const std::vector<std::vector<std::uintptr_t>>& creation_stacks() const { return stacks_; }

  void run_started(const run& started) override;
  void point_reached(const run& current, thread_id thread, const operation& op) override;

 private:
  const std::thread::id owner_;
  std::atomic<const run*> watched_{nullptr};
  std::vector<std::vector<std::uintptr_t>> stacks_;  // by thread id; thread 0's stays empty
  // By thread id: the stack of a create it reached but has not performed yet.
  std::vector<std::vector<std::uintptr_t>> pending_creates_;
};

// What the story says of the shrinking that led to it.
struct story_context {
  std::size_t original_preemptions = 0;
  std::size_t runs = 0;  // shrink attempts made
  bool minimal = false;  // no single preemption could be taken out
  bool shrunk = false;   // the story's schedule is not the one exploring found
};

// The story's first line, "weft: how it fails, in 1 preemption (shrunk from 9 in 31 runs):", and a
// note when the budget stopped shrinking.
[[nodiscard]] std::string story_heading(std::size_t preemptions, const story_context& context);
// One line per preemption of `switches` (a failing run's, in order), or one that says there was none;
// past twenty, only the last twenty, after a line that says how many earlier ones are not told.
// Symbolizes the sites and creation stacks, so call it in the process that ran them.
[[nodiscard]] std::string story_lines(std::span<const switch_point> switches,
                                      std::span<const std::vector<std::uintptr_t>> creation_stacks);
// "  then: " and `failure`'s first line (without "weft: "), then a blank line.
[[nodiscard]] std::string story_ending(std::string_view failure);
// The heading, the lines and a blank line: the story of `switches` (a failing run's, in order), naming
// threads by `creation_stacks` (thread_origins'), ending with `failure`'s first line. Symbolizes the sites,
// so call it in the process that ran them.
[[nodiscard]] std::string render_story(std::span<const switch_point> switches,
                                       std::span<const std::vector<std::uintptr_t>> creation_stacks,
                                       const story_context& context, std::string_view failure);

}  // namespace weft::sched
