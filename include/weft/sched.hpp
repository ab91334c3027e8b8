// Controlled scheduling: run a test's threads one at a time, choose the interleaving at every
// synchronization point, and replay any interleaving exactly.
//
//   weft::explore_result result = weft::explore([] { my_concurrent_test(); },
//                                               weft::explore_options().strategy("pct").iterations(2000));
//   if (result.failed()) std::puts(result.report.c_str());  // ends with "WEFT_REPLAY=w3...."
//
// What is a scheduling point: every pthread call weft intercepts (thread create/join/detach, mutex,
// rwlock, condition variable, semaphore, barrier, sched_yield, sleeps), so std::thread, std::mutex,
// std::shared_mutex, std::condition_variable and std::this_thread::* are covered; plus
// weft::yield_point() and every operation of weft::atomic<T>. Sleeps and timed waits use virtual time.
// Code weft does not see (a futex issued without libc's syscall(), std::atomic spin loops, blocking
// I/O) runs uncontrolled: a
// watchdog releases a thread that reaches no scheduling point for a while, and the run is then marked
// uncontrolled rather than hung.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "weft/options.hpp"  // config_error

// libweft exports the public API and hides the rest (docs/architecture.md).
#pragma GCC visibility push(default)
namespace weft {

// What a data race on plain memory does to an exploration (code built with weft_instrument only).
enum class race_mode {
  fail,    // a run with a race fails with failure::race, unless it failed otherwise first (the default)
  report,  // races fail no run: each distinct one is listed in explore_result::races, and exploring goes
           // on, each run judged by its other outcome, to the assertion or crash a race leads to
  off,     // races are neither reported nor listed
};

class explore_options {
 public:
  // "random", "pct", "pos", "dfs", "bytes", "surw", "rff" or "portfolio" (the default: a mix of random,
  // pct, pos, surw and rff that gives more runs to the one reaching new reads-from pairs).
  // An unknown name is refused by explore with config_error listing the allowed ones.
  explore_options& strategy(std::string name);
  explore_options& seed(std::uint64_t seed);                  // default 1: runs are reproducible
  explore_options& iterations(std::size_t runs);              // default 1000
  explore_options& time_budget(std::chrono::milliseconds t);  // default 60 s; whichever ends first
  explore_options& pct_depth(int depth);                      // PCT's bug depth d; default 3
  explore_options& preemption_bound(int bound);               // dfs; default 2
  explore_options& max_steps(std::size_t steps);              // livelock bound per run; default 100,000
  // A thread that reaches no scheduling point for this long is released (the run is uncontrolled).
  // Also how long a run whose threads all wait, some on futexes, waits for a wake from a thread
  // outside it before reporting a deadlock.
  explore_options& watchdog(std::chrono::milliseconds timeout);  // default 1 s
  // Bytes that decide each choice, for the "bytes" strategy; copied.
  explore_options& bytes(std::string_view decisions);
  // Print nothing to stderr (by default a failure prints its report and the WEFT_REPLAY line).
  explore_options& quiet(bool enabled = true);
  // Run every schedule in its own fork()ed child, so that exploring goes on past a crash and a failed
  // run's parked threads die with the child. There the test function runs on the thread that called
  // explore, with its malloc arena (glibc's main arena when called from main), not on a new thread. Strategies that learn across runs (pct's step count) see
  // only what the parent passes on; dfs is refused in this mode with config_error.
  explore_options& fork_each_run(bool enabled = true);
  // When a run fails, look for a schedule with fewer preemptions that fails the same way (the same
  // kind, at the same top frames, or the same race) and report that one, its story first
  // (docs/scheduler.md, "Shrinking"). Each try is one more run of the test, not counted in
  // explore_result::schedules; at most 100 runs or 10 s in all, whichever ends first. If none fails the same
  // way, the schedule found is reported as it was: shrinking never turns a failure into a pass or into
  // another failure. Default true. A replay() or a replay_schedule never shrinks, nor does an exploration
  // with fork_each_run: its failure is reported as found.
  explore_options& shrink(bool enabled = true);
  // What data races on plain memory that a run exhibits do (code built with weft_instrument only):
  // two accesses to the same bytes from different threads, at least one a write, not ordered by
  // happens-before through the synchronization weft sees (locks, condition variables, semaphores,
  // barriers, thread create/join, and atomics with their memory orders). Default race_mode::fail.
  // The environment's WEFT_RACES (fail, report or off) overrides it. Races are detected in every mode,
  // so a schedule is the same whatever the mode.
  explore_options& races(race_mode mode);
  // Shorthand for races(): true is race_mode::fail, false race_mode::off.
  explore_options& report_races(bool enabled = true);
  // explore() replays only this schedule, as replay() does, instead of exploring: a replay string or
  // "@FILE". Empty (the default): it explores. from_environment() sets it from WEFT_REPLAY.
  explore_options& replay_schedule(std::string schedule);
  // Whether explore() and replay() apply from_environment() to the options they are given; default
  // true. An integration that decides the schedule itself turns it off and reads what it honours of
  // the environment on its own (the libFuzzer one: only WEFT_RACES and WEFT_REPLAY).
  explore_options& read_environment(bool enabled);
  // These options with the environment's overrides, read now: WEFT_SEED, WEFT_ITERATIONS,
  // WEFT_STRATEGY and WEFT_RACES where set, and WEFT_REPLAY (checked: it must decode) as
  // replay_schedule. Throws config_error naming a malformed variable and its value.
  [[nodiscard]] explore_options from_environment() const;

  [[nodiscard]] const std::string& strategy() const { return strategy_; }
  [[nodiscard]] std::uint64_t seed() const { return seed_; }
  [[nodiscard]] std::size_t iterations() const { return iterations_; }
  [[nodiscard]] std::chrono::milliseconds time_budget() const { return time_budget_; }
  [[nodiscard]] int pct_depth() const { return pct_depth_; }
  [[nodiscard]] int preemption_bound() const { return preemption_bound_; }
  [[nodiscard]] std::size_t max_steps() const { return max_steps_; }
  [[nodiscard]] std::chrono::milliseconds watchdog() const { return watchdog_; }
  [[nodiscard]] const std::string& bytes() const { return bytes_; }
  [[nodiscard]] bool quiet() const { return quiet_; }
  [[nodiscard]] bool fork_each_run() const { return fork_each_run_; }
  [[nodiscard]] bool shrink() const { return shrink_; }
  [[nodiscard]] race_mode races() const { return races_; }
  [[nodiscard]] bool report_races() const { return races_ != race_mode::off; }
  [[nodiscard]] const std::string& replay_schedule() const { return replay_schedule_; }
  [[nodiscard]] bool read_environment() const { return read_environment_; }

 private:
  std::string strategy_ = "portfolio";
  std::uint64_t seed_ = 1;
  std::size_t iterations_ = 1000;
  std::chrono::milliseconds time_budget_{60'000};
  int pct_depth_ = 3;
  int preemption_bound_ = 2;
  std::size_t max_steps_ = 100'000;
  std::chrono::milliseconds watchdog_{1000};
  std::string bytes_;
  bool quiet_ = false;
  bool fork_each_run_ = false;
  bool shrink_ = true;
  race_mode races_ = race_mode::fail;
  std::string replay_schedule_;
  bool read_environment_ = true;
};

struct explore_result {
  enum class failure {
    none,
    exception,   // the test function threw
    deadlock,    // no thread could run
    livelock,    // a run passed max_steps scheduling points
    leak,        // threads were still blocked when the test function returned
    user_check,  // weft::expect failed
    hung,        // a run did not end even with the watchdog's help
    crash,       // a fatal signal (SIGSEGV, SIGABRT from assert or std::terminate, ...); with fork_each_run
    race,        // a data race on plain memory (weft_instrument code), with both accesses' stacks
    // AddressSanitizer found a memory error, with ASan's own report (the weft command, in a program
    // built with -fsanitize=address)
    memory_error,
    use_after_free,  // weft_instrument code touched a block the run freed: the access's, the free's
                     // and the allocation's stacks
    double_free,     // a block the run freed was freed again: both frees' and the allocation's stacks
  };
  failure kind = failure::none;
  std::size_t schedules = 0;   // runs performed, the failing one included
  std::string strategy;        // the strategy that chose the failing run
  std::string replay;          // the schedule that reproduces the failure (the whole string, however
                               // long; the report's Reproduce line names a file for a long one); empty
                               // when none
  std::string report;          // what failed, with every involved thread's stack, and the replay line
  bool space_covered = false;  // dfs tried every schedule within its bound
  bool uncontrolled = false;   // some run needed the watchdog: results are not reproducible
  bool diverged = false;       // (replay) the program took another path than the schedule recorded,
                               // or it ended in another kind of failure than the recorded run (kind
                               // then says which)
  std::string divergence;      // where and how it diverged
  // With race_mode::report: every distinct data race the runs exhibited, once per pair of source
  // locations of its two accesses, in the order found; each says what raced and shows both stacks.
  std::vector<std::string> races;
  // explore, when it shrank the failure (explore_options::shrink): the preemptions of the reported
  // schedule, switches away from a thread that could have gone on. The report then starts with its
  // story, one line per preemption. 0 otherwise.
  std::size_t preemptions = 0;

  [[nodiscard]] bool failed() const { return kind != failure::none; }
};

// Runs `test` under controlled schedules until one fails or the budget (iterations, time) is spent.
// `test` runs on a thread weft creates (or, with fork_each_run, on the calling thread in the child);
// threads it creates join the run. Blocks until done. Unless
// options.read_environment() is false, the environment overrides the options first
// (options.from_environment(): WEFT_SEED, WEFT_ITERATIONS, WEFT_STRATEGY, WEFT_RACES, and WEFT_REPLAY,
// which makes it replay that schedule only). With a replay_schedule, it replays that schedule only
// (as replay() does, with these options). Throws config_error
// for a malformed option or variable. Threads of a failing run stay parked (blocked) for the rest of
// the process.
[[nodiscard]] explore_result explore(std::function<void()> test, const explore_options& options = {});

// Runs `test` once under exactly `schedule`: a replay string, or "@FILE" for one saved in FILE (as a
// failure's Reproduce line prints a long one). Throws config_error naming what is wrong with a
// malformed or foreign schedule or an unreadable file. With options.fork_each_run(), the run happens
// in a fork()ed child, so a crash is reported (failure::crash) instead of ending the caller's process.
// If the program takes another path than the schedule recorded, or ends in another kind of failure,
// the result says diverged instead of reporting a false verdict. Unless options.read_environment() is
// false, WEFT_RACES overrides the options' race mode, as in explore.
[[nodiscard]] explore_result replay(std::string_view schedule, std::function<void()> test,
                                    const explore_options& options = {});

// A scheduling point for code whose interleaving matters but calls nothing weft intercepts: any
// thread may go on from it, the caller included. Not a yield: a spin loop that waits for another
// thread should call sched_yield() or std::this_thread::yield(), which give way (docs/scheduler.md).
// Does nothing outside a controlled run.
void yield_point();

// In a controlled run, fails the run with `message` when `condition` is false (the calling thread
// then stops). Outside a run, a false condition throws std::logic_error with the message.
void expect(bool condition, std::string_view message);

}  // namespace weft
#pragma GCC visibility pop
