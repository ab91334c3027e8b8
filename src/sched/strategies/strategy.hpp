// The one seam between a controlled run and the policy that picks who runs next. A new strategy is
// one new file implementing this interface, plus its name and its case in make_strategy.cpp.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "sched/operation.hpp"

namespace weft::sched {

class strategy {
 public:
  virtual ~strategy() = default;

  // Called before each run, with 0 for the first. Returns false when the strategy has nothing left to
  // try (dfs covered its space); the explorer then stops and says so.
  [[nodiscard]] virtual bool begin_run(std::uint64_t run_index) = 0;

  // Called at every scheduling point where more than one thread can run. `candidates` is never empty
  // and has at least two entries, sorted by thread id, each with the operation it will perform next;
  // `current` is the thread that reached the point (it is among the candidates unless it just
  // blocked or exited). Returns an index into `candidates`. Every strategy but replay returns one
  // that does not wait for progress (there is always one): a thread that yielded runs again only
  // after another has made progress, so spin loops that yield cannot starve the thread they wait for.
  [[nodiscard]] virtual std::size_t choose(std::span<const candidate> candidates, thread_id current) = 0;

  // Called after each run with the number of scheduling points it had (including those with one
  // candidate, which never reach choose).
  virtual void end_run(std::size_t steps) { (void)steps; }

  [[nodiscard]] virtual std::string_view name() const = 0;
};

// How many candidates do not wait for progress (at least one, by the contract of choose), and the
// index into `candidates` of the n-th of them (n below that count).
[[nodiscard]] std::size_t eligible_count(std::span<const candidate> candidates);
[[nodiscard]] std::size_t eligible_index(std::span<const candidate> candidates, std::size_t n);
// The candidate to take at once, if any: a plain memory access at code never seen racing
// (operation::interesting false), the current thread's own first, so that a thread is not preempted
// there. Sampling the order of such steps would spend a strategy's randomness on steps that rarely
// matter (pos, surw and rff take them so).
[[nodiscard]] std::optional<std::size_t> plain_access_to_take(std::span<const candidate> candidates,
                                                              thread_id current);

enum class strategy_kind { random, pct, pos, dfs, bytes, portfolio, surw, rff };

struct strategy_config {
  std::uint64_t seed = 1;
  int pct_depth = 3;                    // PCT's bug depth d: d - 1 priority change points per run
  int dfs_preemption_bound = 2;         // dfs: at most this many preemptions per run
  std::span<const std::uint8_t> bytes;  // bytes: the decisions; must outlive the strategy
};

[[nodiscard]] std::unique_ptr<strategy> make_strategy(strategy_kind kind, const strategy_config& config);

// The one registry of strategies: every kind, in the order messages list them. explore_options,
// WEFT_STRATEGY, the weft command and its preload all name and check strategies through it.
[[nodiscard]] std::span<const strategy_kind> every_strategy();
// "random", "pct", ...: the name explore_options::strategy, WEFT_STRATEGY and --strategy take.
[[nodiscard]] std::string_view name_of(strategy_kind kind);
// True for bytes, which takes its decisions from a fuzzer's input rather than from the seed: with no
// input, every run of an exploration would be the same schedule.
[[nodiscard]] bool takes_bytes(strategy_kind kind);
// The strategy named `text`; nullopt for an unknown name.
[[nodiscard]] std::optional<strategy_kind> strategy_named(std::string_view text);
// The strategy named `text`, among every strategy or, with `exploring_only`, those that do not take
// bytes. Otherwise throws config_error: "weft: <what> must be one of <the names>; got <text, quoted>".
[[nodiscard]] strategy_kind strategy_named(std::string_view text, std::string_view what,
                                           bool exploring_only = false);

}  // namespace weft::sched
