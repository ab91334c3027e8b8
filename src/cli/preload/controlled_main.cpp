// `weft explore` and `weft replay`: the program's main as the test function of one controlled run.
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <exception>
#include <memory>
#include <optional>
#include <string>

#include "cli/preload/expected_threads.hpp"
#include "cli/preload/preloaded_main.hpp"
#include "cli/preload/remote_strategy.hpp"
#include "cli/preload/result_file.hpp"
#include "cli/preload/trace_recorder.hpp"
#include "cli/protocol.hpp"
#include "sched/child_run.hpp"
#include "sched/crash_guard.hpp"
#include "sched/failure_report.hpp"
#include "sched/managed_thread.hpp"
#include "sched/observer.hpp"
#include "sched/outcome_words.hpp"
#include "sched/run.hpp"
#include "sched/schedule_codec.hpp"
#include "sched/story.hpp"
#include "sched/strategies/guided.hpp"
#include "sched/strategies/recording.hpp"
#include "sched/strategies/replay.hpp"

namespace weft::cli {
namespace {

using sched::run_end_kind;

std::string_view kind_name(run_end_kind kind) {
  return sched::word_of(sched::failure_of(kind));
}

std::int64_t clock_ns(clockid_t clock) {
  timespec now;
  clock_gettime(clock, &now);
  return now.tv_sec * 1'000'000'000LL + now.tv_nsec;
}

[[noreturn]] void give_up(const std::string& message) {
  std::fprintf(stderr, "%s\n", message.c_str());
  std::fflush(stderr);
  std::_Exit(4);
}

// What the exit handler needs when the program calls exit() while its run is in progress.
struct active_run {
  const sched::recording_strategy* recorder = nullptr;
  trace_recorder* tracer = nullptr;
  std::string trace_path;
  std::string program;
  int result_fd = -1;
  std::atomic<bool> in_progress{false};
};
active_run active;

// Runs before the program's static destructors (registered after them): the run never ends, so its
// schedule and trace are written now; and the exiting thread leaves the run, so that locks taken by
// destructors are plain locks, not scheduling points that wait for parked threads.
void on_exit_during_run() {
  if (!active.in_progress.exchange(false)) return;
  sched::set_managed_self(nullptr);
  write_result(active.result_fd, sched::child_run_text()
                                     .add("kind", "exit_during_run")
                                     .add("replay", sched::encode(active.recorder->recorded()))
                                     .text());
  if (active.tracer != nullptr) {
    std::string error;
    if (!active.tracer->write(active.trace_path, active.program, sched::encode(active.recorder->recorded()),
                              error))
      std::fprintf(stderr, "%s\n", error.c_str());
  }
}

std::unique_ptr<sched::strategy> chooser_for(const preloaded_settings& settings,
                                             sched::replaying_strategy*& replaying,
                                             sched::guided_strategy*& guide) {
  // The command's shrinking (src/cli/shrink.cpp) runs guides, and learns a replayed schedule's
  // switches: both note the switches they take, for the story of a failure.
  if (settings.replay.starts_with(sched::guide_prefix)) {
    std::optional<sched::decoded_guide> decoded = sched::decode_guide(settings.replay);
    if (!decoded) give_up("weft: a malformed guide (a weft bug: the weft command writes it)");
    auto chooser = std::make_unique<sched::guided_strategy>(std::move(decoded->switches), decoded->order);
    guide = chooser.get();
    return chooser;
  }
  if (!settings.replay.empty()) {
    sched::decode_result decoded = sched::decode(settings.replay);
    if (!decoded.ok()) give_up("weft replay: " + decoded.error);
    auto replayed = std::make_unique<sched::replaying_strategy>(std::move(decoded.decoded));
    replaying = replayed.get();
    auto chooser = std::make_unique<sched::guided_strategy>(std::move(replayed));
    guide = chooser.get();
    return chooser;
  }
  if (settings.strategy == "remote") {
    if (settings.remote_requests < 0) give_up("weft: strategy remote without its pipes (a weft bug)");
    return std::make_unique<remote_strategy>(settings.remote_requests, settings.remote_replies);
  }
  const std::optional<sched::strategy_kind> kind = sched::strategy_named(settings.strategy);
  if (!kind)
    give_up("weft: unknown strategy \"" + settings.strategy + "\" (a weft bug: the weft command checks it)");
  sched::strategy_config config;
  config.seed = settings.seed;
  config.pct_depth = settings.depth;
  try {
    return sched::make_strategy(*kind, config);
  } catch (const std::exception& error) {
    give_up(error.what());
  }
}

}  // namespace

int run_controlled(main_function main, int argc, char** argv, char** envp,
                   const preloaded_settings& settings) {
  sched::replaying_strategy* replaying = nullptr;
  sched::guided_strategy* guide = nullptr;
  sched::recording_strategy recorder(chooser_for(settings, replaying, guide));
  // Where each thread was created, for the story; only a guided or replayed run tells one.
  std::optional<sched::thread_origins> origins;
  if (guide != nullptr) origins.emplace();
  // A schedule is a function of (strategy, seed, run index) alone: the same index in another process,
  // on another machine or in another shard gets the same decisions.
  if (!recorder.begin_run(settings.run_index)) give_up("weft: the strategy has no schedule left to try");

  trace_recorder tracer;
  if (!settings.trace_path.empty()) sched::add_run_observer(tracer);

  sched::run_limits limits;
  limits.hard_timeout = std::chrono::milliseconds(settings.hard_timeout_ms);
  limits.races = settings.races;
  if (settings.max_steps > 0) limits.max_steps = static_cast<std::size_t>(settings.max_steps);
  limits.realtime_base_ns = clock_ns(CLOCK_REALTIME);
  limits.monotonic_base_ns = clock_ns(CLOCK_MONOTONIC);

  active.recorder = &recorder;
  active.tracer = settings.trace_path.empty() ? nullptr : &tracer;
  active.trace_path = settings.trace_path;
  active.program = argc > 0 ? argv[0] : "program";
  active.result_fd = open_result_file(settings.result_path);
  std::atexit(on_exit_during_run);
  std::atomic<std::size_t> run_number{settings.run_index + 1};
  const sched::crash_guard crash_report(recorder, run_number);
  sched::crash_guard::report_schedule_only_to(active.result_fd);

  int exit_code = 0;
  const std::function<void()> test = [&] { exit_code = main(argc, argv, envp); };
  // Never freed: a failed run's threads stay parked on it until the process ends, and a completed
  // run's threads may still be returning through weft's code while main's caller exits.
  auto* current = new sched::run(recorder, limits);
  active.in_progress.store(true);
  sched::run_outcome outcome = current->execute(test);
  if (!active.in_progress.exchange(false)) {
    // The exit handler won the race: the process is exiting on another thread.
    for (;;) pause();
  }
  recorder.end_run(outcome.steps);
  if (!settings.trace_path.empty()) sched::remove_run_observer(tracer);
  const bool threads_parked = forgive_expected_threads(outcome);

  sched::schedule recorded = recorder.recorded();
  if (outcome.kind != run_end_kind::completed) recorded.outcome = std::string(kind_name(outcome.kind));
  const std::string replay = sched::encode(recorded);
  const bool diverged = replaying != nullptr && replaying->diverged();
  sched::child_run_text result;
  result.add("kind", kind_name(outcome.kind))
      .add("exit", exit_code)
      .add("steps", static_cast<long long>(outcome.steps))
      .add("uncontrolled", outcome.uncontrolled)
      .add("threads", static_cast<long long>(outcome.threads))
      .add("futex", outcome.futex_used)
      .add("diverged", diverged)
      .add("replay", replay);
  if (diverged) result.add("divergence", replaying->divergence());
  if (settings.races == race_mode::report) {
    for (const sched::data_race& race : outcome.races) {
      const sched::rendered_race rendered = sched::render_race(race);
      result.add_race(rendered.key, rendered.text);
    }
  }
  // Whether the run failed is the command's to judge (an exit code may say so): every guided or
  // replayed run tells its switches and its story.
  if (guide != nullptr) {
    result.add("switches", sched::encode_switches(guide->taken()))
        .add("story", sched::story_lines(guide->taken(), origins->creation_stacks()));
  }
  if (outcome.kind != run_end_kind::completed) {
    result.report(sched::render_failure(outcome, replay, settings.run_index + 1, recorder.name()));
  }
  write_result(active.result_fd, result.text());

  if (!settings.trace_path.empty()) {
    std::string error;
    if (!tracer.write(settings.trace_path, active.program, replay, error))
      std::fprintf(stderr, "%s\n", error.c_str());
  }
  if (outcome.kind == run_end_kind::completed && !threads_parked) return exit_code;
  // The run's threads are parked for good; static destructors could wait for them (a joinable
  // std::thread, a mutex one of them holds), so the process ends here.
  std::fflush(stdout);
  std::fflush(stderr);
  std::_Exit(outcome.kind == run_end_kind::completed ? exit_code : 1);
}

}  // namespace weft::cli
