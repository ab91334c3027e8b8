// `weft explore` and `weft replay`: the program's main as the test function of one controlled run.
#include <dlfcn.h>
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

// What the exit handler and ASan's error callback need while the run is in progress.
struct active_run {
  const sched::recording_strategy* recorder = nullptr;
  const sched::replaying_strategy* replaying = nullptr;
  std::size_t run_index = 0;
  trace_recorder* tracer = nullptr;
  std::string trace_path;
  std::string program;
  int result_fd = -1;
  std::atomic<bool> in_progress{false};
  // Never freed, and reachable from here, so that LeakSanitizer does not report it when a program
  // built with -fsanitize=address exits after its run completed.
  sched::run* never_freed = nullptr;
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

// ASan's summary line ("SUMMARY: AddressSanitizer: heap-use-after-free file.cpp:12 in f()"), or its
// first line when there is none.
std::string_view summary_of(std::string_view asan_report) {
  const std::size_t at = asan_report.find("SUMMARY: ");
  std::string_view line = at == std::string_view::npos ? asan_report : asan_report.substr(at + 9);
  line = line.substr(0, line.find('\n'));
  // The first line's "==<pid>==" prefix.
  if (line.starts_with('=')) line.remove_prefix(std::min(line.find_first_not_of("=0123456789"), line.size()));
  return line;
}

// AddressSanitizer found a memory error and ends the process when this returns (with its exitcode,
// without exit handlers): the run is reported now, with the schedule as far as it got, which takes a
// replay to the same access, and with ASan's report, symbolized and whole.
void on_asan_error(const char* asan_report) {
  if (!active.in_progress.exchange(false)) return;
  // weft's own work: the copies and allocations below must not become scheduling points.
  const sched::inside_weft internal;
  const std::string_view word = sched::word_of(explore_result::failure::memory_error);
  sched::schedule recorded = active.recorder->recorded();
  recorded.outcome = std::string(word);
  const std::string replay = sched::encode(recorded);
  const bool diverged = active.replaying != nullptr && active.replaying->diverged();
  sched::child_run_text result;
  result.add("kind", word).add("diverged", diverged).add("replay", replay);
  if (diverged) result.add("divergence", active.replaying->divergence());
  result.report("weft: memory error found by " + std::string(summary_of(asan_report)) + " during schedule " +
                std::to_string(active.run_index + 1) + "\n\n" + asan_report);
  write_result(active.result_fd, result.text());
}

// A program built with -fsanitize=address has ASan's runtime, whose error callback weft takes; a
// program that set its own loses it for the run (ASan keeps one).
void report_asan_errors() {
  using set_callback_function = void (*)(void (*)(const char*));
  if (const auto set_callback =
          reinterpret_cast<set_callback_function>(dlsym(RTLD_DEFAULT, "__asan_set_error_report_callback")))
    set_callback(on_asan_error);
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
  active.replaying = replaying;
  active.run_index = settings.run_index;
  active.tracer = settings.trace_path.empty() ? nullptr : &tracer;
  active.trace_path = settings.trace_path;
  active.program = argc > 0 ? argv[0] : "program";
  active.result_fd = open_result_file(settings.result_path);
  std::atexit(on_exit_during_run);
  report_asan_errors();
  std::atomic<std::size_t> run_number{settings.run_index + 1};
  const sched::crash_guard crash_report(recorder, run_number);
  sched::crash_guard::report_schedule_only_to(active.result_fd);

  int exit_code = 0;
  const std::function<void()> test = [&] { exit_code = main(argc, argv, envp); };
  // Never freed: a failed run's threads stay parked on it until the process ends, and a completed
  // run's threads may still be returning through weft's code while main's caller exits.
  auto* current = new sched::run(recorder, limits);
  active.never_freed = current;
  // On the helper that watched the run, as soon as it ended: returns only for a run that completed
  // with no thread parked, whose main then returns to glibc as it would without weft.
  const std::function<void(const sched::run_outcome&)> judge = [&](sched::run_outcome outcome) {
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
    if (outcome.kind == run_end_kind::completed && !threads_parked) return;
    // The run's threads are parked for good (main's thread among them, unless the run completed);
    // static destructors could wait for them (a joinable std::thread, a mutex one of them holds), so
    // the process ends here.
    std::fflush(stdout);
    std::fflush(stderr);
    std::_Exit(outcome.kind == run_end_kind::completed ? exit_code : 1);
  };
  active.in_progress.store(true);
  // main stays on the process's first thread, whose allocations come from glibc's main arena (the
  // brk heap, below 4 GiB in a program that is not position independent), as without weft.
  (void)current->execute_here(test, judge);
  return exit_code;
}

}  // namespace weft::cli
