// The weft command end to end: every test runs `weft` on small programs (programs/) as subprocesses
// and looks at its exit code, its output and the files it writes.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>

#include "cli/command_output.hpp"
#include "support/bug_programs.hpp"
#include "support/relabelled_schedule.hpp"
#include "support/run_program.hpp"

namespace {

using weft_test::line_starting;
using weft_test::read_json;
using weft_test::run_program;
using weft_test::scratch_dir;

const std::string weft = WEFT_COMMAND;
const std::string bug_program = BUG_PROGRAM;

// The Reproduce line of `explored` replays its failure, `kind`, ten times out of ten.
void expect_replays_ten_times(const weft_test::program_run& explored, const std::string& kind) {
  const std::string reproduce = line_starting(explored.output, "Reproduce: ");
  ASSERT_FALSE(reproduce.empty()) << explored.output;
  const std::string command = reproduce.substr(std::string("Reproduce: ").size());
  for (int i = 0; i < 10; ++i) {
    const auto replayed = run_program(command);
    ASSERT_EQ(replayed.exit_code, 1) << command << "\n" << replayed.output;
    EXPECT_NE(replayed.output.find("weft replay: reproduced: " + kind), std::string::npos) << replayed.output;
  }
}

TEST(WeftRun, FailsOnALeakedThreadAndNamesIt) {
  const auto run = run_program(weft + " run -- " + LEAKY_PROGRAM + " leak");
  EXPECT_EQ(run.exit_code, 1) << run.output;
  EXPECT_NE(run.output.find("weft: found 1 unexpected thread"), std::string::npos) << run.output;
  EXPECT_NE(run.output.find("\"leaky-worker\" in state condition_variable wait"), std::string::npos)
      << run.output;
  EXPECT_NE(run.output.find("left 1 thread(s) running when main returned"), std::string::npos) << run.output;
}

TEST(WeftRun, ChecksAProgramThatEndsWithExit) {
  const auto leaky = run_program(weft + " run -- " + LEAKY_PROGRAM + " exit-leak");
  EXPECT_EQ(leaky.exit_code, 1) << leaky.output;
  EXPECT_NE(leaky.output.find("\"leaky-worker\" in state condition_variable wait"), std::string::npos)
      << leaky.output;
  EXPECT_NE(leaky.output.find("left 1 thread(s) running when it called exit()"), std::string::npos)
      << leaky.output;
  const auto clean = run_program(weft + " run -- " + LEAKY_PROGRAM + " exit-clean");
  EXPECT_EQ(clean.exit_code, 0) << clean.output;
  EXPECT_EQ(clean.output.find("unexpected"), std::string::npos) << clean.output;
  EXPECT_EQ(clean.output.find("before weft could check"), std::string::npos) << clean.output;
}

TEST(WeftRun, PassesAProgramThatJoinsItsThreads) {
  const auto run = run_program(weft + " run -- " + LEAKY_PROGRAM + " clean");
  EXPECT_EQ(run.exit_code, 0) << run.output;
  EXPECT_EQ(run.output.find("unexpected"), std::string::npos) << run.output;
}

struct bug_case {
  const char* program;
  const char* kind;  // what weft explore must report
};

TEST(WeftExplore, FindsEachBugAndItsReplayCommandReproducesItTenTimesOutOfTen) {
  for (const bug_case bug : {bug_case{"lost_update", "check"}, bug_case{"abba_deadlock", "deadlock"},
                             bug_case{"lost_wakeup", "deadlock"}}) {
    SCOPED_TRACE(bug.program);
    const auto explored =
        run_program(weft + " explore -n 500 --jobs 2 -- " + bug_program + " " + bug.program);
    ASSERT_EQ(explored.exit_code, 1) << explored.output;
    EXPECT_NE(explored.output.find(std::string("failed (") + bug.kind + ")"), std::string::npos)
        << explored.output;
    expect_replays_ten_times(explored, bug.kind);
  }
}

TEST(WeftExplore, ReportsAFailureShrunkToOnePreemptionWithItsStoryFirst) {
  const std::string program = BUSY_LOST_UPDATE;
  const auto explored =
      run_program(weft + " explore --strategy random --seed 3 -n 500 --jobs 1 -- " + program);
  ASSERT_EQ(explored.exit_code, 1) << explored.output;
  const std::string file = "busy_lost_update.cpp:";
  const std::string story = line_starting(explored.output, "weft: how it fails, in ");
  EXPECT_EQ(story.rfind("weft: how it fails, in 1 preemption (shrunk from ", 0), 0u) << explored.output;
  const std::string preemption = line_starting(explored.output, "  1. thread ");
  EXPECT_NE(preemption.find("(created at " + file + "16) ran `bump` at " + file + "11 between thread "),
            std::string::npos)
      << explored.output;
  EXPECT_NE(preemption.find("'s atomic_load at " + file + "11 and its atomic_store at " + file + "12"),
            std::string::npos)
      << explored.output;
  EXPECT_EQ(line_starting(explored.output, "  then: "), "  then: check failed: an increment was lost")
      << explored.output;
  // The story comes first, then the failure's report as before, saying which strategy found it.
  EXPECT_LT(explored.output.find("weft: how it fails"), explored.output.find("weft: check failed"));
  EXPECT_NE(explored.output.find("(found by random after "), std::string::npos) << explored.output;
  expect_replays_ten_times(explored, "check");

  const auto as_found =
      run_program(weft + " explore --strategy random --seed 3 -n 500 --jobs 1 --no-shrink -- " + program);
  ASSERT_EQ(as_found.exit_code, 1) << as_found.output;
  EXPECT_EQ(as_found.output.find("how it fails"), std::string::npos) << as_found.output;
}

TEST(WeftExplore, StaysSilentOnTheFixedTwins) {
  for (const char* program : {"lost_update_fixed", "abba_deadlock_fixed", "lost_wakeup_fixed"}) {
    SCOPED_TRACE(program);
    const auto explored = run_program(weft + " explore -n 100 --jobs 2 -- " + bug_program + " " + program);
    EXPECT_EQ(explored.exit_code, 0) << explored.output;
    EXPECT_NE(explored.output.find("weft explore: 100 runs, 0 failures"), std::string::npos)
        << explored.output;
  }
}

// The run's own hard timeout (three quarters of --timeout-per-run) abandons a run that never ends,
// with its schedule, before the command would kill the process.
TEST(WeftExplore, ReportsARunThatNeverEndsAsHung) {
  const auto hung = run_program(weft + " explore -n 1 --timeout-per-run 8 -- " + BLOCKS_FOREVER + " hang");
  EXPECT_EQ(hung.exit_code, 1) << hung.output;
  EXPECT_NE(hung.output.find("run 0 failed (hung)"), std::string::npos) << hung.output;
  EXPECT_NE(hung.output.find("the run did not end within 6000 ms"), std::string::npos) << hung.output;
}

TEST(WeftExplore, StaysSilentOnAMainThatWaitsOutsideWeftButIsAnswered) {
  const auto fed = run_program(weft + " explore -n 3 --timeout-per-run 8 -- " + BLOCKS_FOREVER + " fed");
  EXPECT_EQ(fed.exit_code, 0) << fed.output;
  EXPECT_EQ(fed.output.find("hung"), std::string::npos) << fed.output;
}

TEST(WeftExplore, SavesFailingSchedulesThatReplayReadsBack) {
  const auto dir = scratch_dir("save");
  const auto explored = run_program(weft + " explore -n 500 --save-dir " + dir.string() + " -- " +
                                    bug_program + " abba_deadlock");
  ASSERT_EQ(explored.exit_code, 1) << explored.output;
  std::vector<std::filesystem::path> saved;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) saved.push_back(entry.path());
  ASSERT_EQ(saved.size(), 1u);
  const auto replayed =
      run_program(weft + " replay " + saved.front().string() + " -- " + bug_program + " abba_deadlock");
  EXPECT_EQ(replayed.exit_code, 1) << replayed.output;
  EXPECT_NE(replayed.output.find("reproduced: deadlock"), std::string::npos) << replayed.output;
  std::filesystem::remove_all(dir);
}

TEST(WeftExplore, DepthFirstSearchGoesOnFromRunToRunAcrossProcesses) {
  const auto found =
      run_program(weft + " explore --strategy dfs -n 500 -- " + bug_program + " abba_deadlock");
  ASSERT_EQ(found.exit_code, 1) << found.output;
  EXPECT_NE(found.output.find("failed (deadlock)"), std::string::npos) << found.output;
  const std::string reproduce = line_starting(found.output, "Reproduce: ");
  ASSERT_FALSE(reproduce.empty()) << found.output;
  const auto replayed = run_program(reproduce.substr(std::string("Reproduce: ").size()));
  EXPECT_EQ(replayed.exit_code, 1) << replayed.output;
  EXPECT_NE(replayed.output.find("reproduced: deadlock"), std::string::npos) << replayed.output;

  // The correct twin: the search ends, having tried every schedule within the bound, each once.
  const auto dir = scratch_dir("dfs");
  const auto fixed = run_program(weft + " explore --strategy dfs -n 5000 --json " +
                                 (dir / "dfs.json").string() + " -- " + bug_program + " abba_deadlock_fixed");
  EXPECT_EQ(fixed.exit_code, 0) << fixed.output;
  EXPECT_NE(fixed.output.find("dfs tried every schedule with at most 2 preemption(s)"), std::string::npos)
      << fixed.output;
  const nlohmann::json summary = read_json(dir / "dfs.json");
  EXPECT_TRUE(summary["space_covered"].get<bool>());
  std::set<std::string> distinct;
  for (const auto& run : summary["schedules"]) distinct.insert(run["replay"].get<std::string>());
  EXPECT_GT(summary["runs"].get<std::size_t>(), 1u);
  EXPECT_EQ(distinct.size(), summary["runs"].get<std::size_t>()) << "dfs ran a schedule twice";
  // The same search as in one process: as many schedules as weft::explore's dfs tries.
  const weft::explore_result in_process = weft::explore(
      weft_test::abba_deadlock_fixed, weft::explore_options().strategy("dfs").iterations(5000).quiet());
  EXPECT_TRUE(in_process.space_covered);
  EXPECT_EQ(summary["runs"].get<std::size_t>(), in_process.schedules);
  std::filesystem::remove_all(dir);
}

TEST(WeftExplore, TakesAnySeedAnUnsigned64BitNumberHolds) {
  const auto dir = scratch_dir("seed");
  for (const std::string seed : {"0", "9223372036854775808", "18446744073709551615"}) {
    SCOPED_TRACE(seed);
    const auto json = dir / "summary.json";
    const auto explored = run_program(weft + " explore -n 10 --jobs 2 --seed " + seed + " --json " +
                                      json.string() + " -- " + bug_program + " lost_update_fixed");
    EXPECT_EQ(explored.exit_code, 0) << explored.output;
    EXPECT_NE(explored.output.find("10 runs, 0 failures"), std::string::npos) << explored.output;
    EXPECT_EQ(read_json(json)["seed"].get<std::uint64_t>(), std::stoull(seed));
  }
}

// The command's dfs runs in another process than the program's run: which candidates wait for
// progress after a yield must reach it, or it would search another space than weft::explore does.
TEST(WeftExplore, DepthFirstSearchAcrossProcessesLetsASpinLockThatYieldsGiveWay) {
  const auto found =
      run_program(weft + " explore --strategy dfs -n 500 -- " + bug_program + " yield_spin_lock");
  ASSERT_EQ(found.exit_code, 1) << found.output;
  EXPECT_NE(found.output.find("failed (check)"), std::string::npos) << found.output;
  const std::string reproduce = line_starting(found.output, "Reproduce: ");
  ASSERT_FALSE(reproduce.empty()) << found.output;
  const auto replayed = run_program(reproduce.substr(std::string("Reproduce: ").size()));
  EXPECT_NE(replayed.output.find("reproduced: check"), std::string::npos) << replayed.output;

  const auto dir = scratch_dir("dfs-yield");
  const auto fixed =
      run_program(weft + " explore --strategy dfs -n 5000 --json " + (dir / "dfs.json").string() + " -- " +
                  bug_program + " yield_spin_lock_fixed");
  EXPECT_EQ(fixed.exit_code, 0) << fixed.output;
  const nlohmann::json summary = read_json(dir / "dfs.json");
  EXPECT_TRUE(summary["space_covered"].get<bool>()) << fixed.output;
  const weft::explore_result in_process = weft::explore(
      weft_test::yield_spin_lock_fixed, weft::explore_options().strategy("dfs").iterations(5000).quiet());
  EXPECT_FALSE(in_process.failed()) << in_process.report;
  EXPECT_TRUE(in_process.space_covered);
  EXPECT_EQ(summary["runs"].get<std::size_t>(), in_process.schedules);
  std::filesystem::remove_all(dir);
}

TEST(WeftExplore, AcceptsTheExpectedExitCode) {
  const auto expected = run_program(weft + " explore -n 50 --expect-exit 6 -- " + EXITS_SIX);
  EXPECT_EQ(expected.exit_code, 0) << expected.output;
  const auto unexpected = run_program(weft + " explore -n 50 -- " + EXITS_SIX);
  EXPECT_EQ(unexpected.exit_code, 1) << unexpected.output;
  EXPECT_NE(unexpected.output.find("main returned 6 (expected 0)"), std::string::npos) << unexpected.output;
}

TEST(WeftExplore, RunsThreadsThatMainLeftRunningBeforeTheProcessExits) {
  const auto explored = run_program(weft + " explore -n 20 -- " + WORK_AFTER_MAIN);
  EXPECT_EQ(explored.exit_code, 1) << explored.output;
  EXPECT_NE(explored.output.find("the detached worker ran after main returned"), std::string::npos)
      << explored.output;
}

TEST(WeftExplore, TwoJobsFindTheSameFirstFailureAsOne) {
  const auto dir = scratch_dir("jobs");
  std::map<int, nlohmann::json> first;
  for (const int jobs : {1, 2}) {
    const auto json = dir / ("jobs" + std::to_string(jobs) + ".json");
    const auto explored =
        // --no-shrink: shrinking may end at its time bound on a loaded machine, and this is about the
        // failure found.
        run_program(weft + " explore -n 500 --seed 3 --strategy random --no-shrink --jobs " +
                    std::to_string(jobs) + " --json " + json.string() + " -- " + bug_program +
                    " bounded_buffer_with_if");
    ASSERT_EQ(explored.exit_code, 1) << explored.output;
    const nlohmann::json summary = read_json(json);
    ASSERT_EQ(summary["failures"].size(), 1u) << summary.dump(2);
    first[jobs] = summary["failures"][0];
  }
  EXPECT_EQ(first[1]["run"], first[2]["run"]);
  EXPECT_EQ(first[1]["replay"], first[2]["replay"]);
  EXPECT_EQ(first[1]["kind"], first[2]["kind"]);
  std::filesystem::remove_all(dir);
}

std::map<std::size_t, std::string> schedules_of(const nlohmann::json& summary) {
  std::map<std::size_t, std::string> schedules;
  for (const auto& run : summary["schedules"]) schedules[run["run"].get<std::size_t>()] = run["replay"];
  return schedules;
}

TEST(WeftExplore, ShardsTogetherCoverExactlyTheUnshardedRuns) {
  const auto dir = scratch_dir("shards");
  const std::string common = " explore -n 40 --seed 3 --jobs 2 --keep-going --json ";
  const std::string target = " -- " + bug_program + " bounded_buffer_with_while";
  ASSERT_EQ(run_program(weft + common + (dir / "all.json").string() + target).exit_code, 0);
  ASSERT_EQ(run_program(weft + common + (dir / "0.json").string() + " --shard 0/2" + target).exit_code, 0);
  ASSERT_EQ(run_program(weft + common + (dir / "1.json").string() + " --shard 1/2" + target).exit_code, 0);
  const auto all = schedules_of(read_json(dir / "all.json"));
  const auto shard0 = schedules_of(read_json(dir / "0.json"));
  const auto shard1 = schedules_of(read_json(dir / "1.json"));
  EXPECT_EQ(all.size(), 40u);
  EXPECT_EQ(shard0.size(), 20u);
  EXPECT_EQ(shard1.size(), 20u);
  std::map<std::size_t, std::string> together = shard0;
  together.insert(shard1.begin(), shard1.end());
  EXPECT_EQ(together, all);
  std::set<std::string> distinct;
  for (const auto& [run, replay] : all) distinct.insert(replay);
  EXPECT_GT(distinct.size(), 1u) << "every run had the same schedule: the comparison would prove nothing";
  std::filesystem::remove_all(dir);
}

TEST(WeftReplay, WritesATraceEventFileWithOneTrackPerThread) {
  const auto dir = scratch_dir("trace");
  const auto explored = run_program(weft + " explore -n 500 --json " + (dir / "found.json").string() +
                                    " -- " + bug_program + " lost_update");
  ASSERT_EQ(explored.exit_code, 1) << explored.output;
  const std::string schedule = read_json(dir / "found.json")["failures"][0]["replay"];
  const auto trace_path = dir / "trace.json";
  const auto replayed = run_program(weft + " replay " + schedule + " --trace " + trace_path.string() +
                                    " -- " + bug_program + " lost_update");
  ASSERT_EQ(replayed.exit_code, 1) << replayed.output;

  const nlohmann::json trace = read_json(trace_path);
  ASSERT_TRUE(trace["traceEvents"].is_array());
  std::set<int> named_tracks, slice_tracks, point_tracks;
  std::set<std::string> operations;
  bool some_point_has_source = false;
  for (const auto& event : trace["traceEvents"]) {
    ASSERT_TRUE(event.contains("ph") && event.contains("pid") && event.contains("tid") &&
                event.contains("name"))
        << event.dump();
    const std::string phase = event["ph"];
    if (phase == "M" && event["name"] == "thread_name") named_tracks.insert(event["tid"].get<int>());
    if (phase == "X") {
      ASSERT_TRUE(event["ts"].is_number() && event["dur"].is_number()) << event.dump();
      slice_tracks.insert(event["tid"].get<int>());
    }
    if (phase == "i") {
      ASSERT_TRUE(event["ts"].is_number()) << event.dump();
      point_tracks.insert(event["tid"].get<int>());
      operations.insert(event["name"].get<std::string>());
      some_point_has_source |= event["args"].contains("source");
    }
  }
  // lost_update: main and its two incrementing threads.
  EXPECT_EQ(named_tracks, (std::set<int>{1, 2, 3}));
  EXPECT_EQ(slice_tracks, named_tracks);
  EXPECT_EQ(point_tracks, named_tracks);
  // lost_update's weft::yield_point() is a plain point, named after the call.
  EXPECT_TRUE(operations.contains("create") && operations.contains("join") &&
              operations.contains("yield_point"));
  EXPECT_TRUE(some_point_has_source);
  std::filesystem::remove_all(dir);
}

#ifdef GTEST_SUITE
TEST(WeftExplore, ReportsALeakInAGtestMainSuiteAtOnce) {
  const auto explored = run_program(weft + " explore -n 3 --jobs 1 --timeout-per-run 60 -- " + GTEST_SUITE +
                                    " --gtest_filter=Threads.LeakAWorkerBlockedForever");
  ASSERT_EQ(explored.exit_code, 1) << explored.output;
  EXPECT_NE(explored.output.find("run 0 failed (leak)"), std::string::npos) << explored.output;
  // weft's gtest listener, inside the controlled run, reported the test that leaked it.
  EXPECT_NE(explored.output.find("in test Threads.LeakAWorkerBlockedForever"), std::string::npos)
      << explored.output;
  EXPECT_NE(explored.output.find("[  FAILED  ] Threads.LeakAWorkerBlockedForever"), std::string::npos)
      << explored.output;
  EXPECT_FALSE(line_starting(explored.output, "Reproduce: ").empty()) << explored.output;
}

TEST(WeftExplore, PassesAGtestMainSuiteWhoseThreadsEnd) {
  const auto explored =
      run_program(weft + " explore -n 20 --jobs 2 --timeout-per-run 60 -- " + GTEST_SUITE +
                  " --gtest_filter=Threads.JoinTheirWorker:Threads.DetachAWorkerThatFinishesSoon");
  EXPECT_EQ(explored.exit_code, 0) << explored.output;
  EXPECT_NE(explored.output.find("weft explore: 20 runs, 0 failures"), std::string::npos) << explored.output;
}

TEST(WeftExplore, AppliesIgnoreRulesToAGtestMainSuite) {
  const std::string suite =
      std::string(" -- ") + GTEST_SUITE + " --gtest_filter=Threads.StartAProcessLifetimePool";
  const auto unruled = run_program(weft + " explore -n 3 --jobs 1" + suite);
  EXPECT_EQ(unruled.exit_code, 1) << unruled.output;
  const auto ruled =
      run_program(weft + " explore -n 3 --jobs 1 --ignore 'created_by:background_pool::start'" + suite);
  EXPECT_EQ(ruled.exit_code, 0) << ruled.output;
  EXPECT_NE(ruled.output.find("3 runs, 0 failures"), std::string::npos) << ruled.output;
  const auto from_environment =
      run_program("WEFT_IGNORE='created_by:background_pool::*' " + weft + " explore -n 3 --jobs 1" + suite);
  EXPECT_EQ(from_environment.exit_code, 0) << from_environment.output;
}
#endif

#ifdef RACE_PROGRAM
TEST(WeftExplore, RacesReportFindsTheFailedCheckAndListsTheRace) {
  const auto dir = scratch_dir("races");
  const std::string program = std::string(" -- ") + RACE_PROGRAM + " lost_update";
  const auto json = dir / "report.json";
  const auto reported =
      run_program(weft + " explore -n 500 --jobs 2 --races report --json " + json.string() + program);
  ASSERT_EQ(reported.exit_code, 1) << reported.output;
  EXPECT_NE(reported.output.find("failed (check)"), std::string::npos) << reported.output;
  EXPECT_NE(reported.output.find("1 distinct data race (--races report)"), std::string::npos)
      << reported.output;
  EXPECT_NE(reported.output.find("bump_counter"), std::string::npos) << reported.output;
  const nlohmann::json summary = read_json(json);
  EXPECT_EQ(summary["races_mode"], "report");
  ASSERT_EQ(summary["failures"].size(), 1u);
  EXPECT_EQ(summary["failures"][0]["kind"], "check");
  ASSERT_EQ(summary["races"].size(), 1u) << summary.dump(2);
  EXPECT_NE(summary["races"][0]["report"].get<std::string>().find("bump_counter"), std::string::npos);
  // The replay command carries the mode, so the verdict is the same kind.
  const std::string reproduce = line_starting(reported.output, "Reproduce: ");
  ASSERT_NE(reproduce.find("--races report"), std::string::npos) << reported.output;
  const auto replayed = run_program(reproduce.substr(std::string("Reproduce: ").size()));
  EXPECT_EQ(replayed.exit_code, 1) << replayed.output;
  EXPECT_NE(replayed.output.find("reproduced: check"), std::string::npos) << replayed.output;

  const auto from_environment =
      run_program("WEFT_RACES=report " + weft + " explore -n 500 --jobs 2" + program);
  EXPECT_NE(from_environment.output.find("failed (check)"), std::string::npos) << from_environment.output;
  EXPECT_NE(from_environment.output.find("distinct data race"), std::string::npos) << from_environment.output;

  const auto off =
      run_program(weft + " explore -n 500 --jobs 2 --races off --json " + json.string() + program);
  ASSERT_EQ(off.exit_code, 1) << off.output;
  EXPECT_NE(off.output.find("failed (check)"), std::string::npos) << off.output;
  EXPECT_EQ(off.output.find("data race"), std::string::npos) << off.output;
  EXPECT_TRUE(read_json(json)["races"].empty());

  const auto by_default = run_program(weft + " explore -n 500 --jobs 2" + program);
  EXPECT_NE(by_default.output.find("failed (race)"), std::string::npos) << by_default.output;
  std::filesystem::remove_all(dir);
}

TEST(WeftExplore, RacesReportListsTheRaceOfAProgramThatOtherwisePasses) {
  const auto reported =
      run_program(weft + " explore -n 30 --jobs 2 --races report -- " + RACE_PROGRAM + " flag_before_data");
  EXPECT_EQ(reported.exit_code, 0) << reported.output;
  EXPECT_NE(reported.output.find("1 distinct data race"), std::string::npos) << reported.output;
  EXPECT_NE(reported.output.find("publish_message"), std::string::npos) << reported.output;
  EXPECT_NE(reported.output.find("30 runs, 0 failures"), std::string::npos) << reported.output;
}
#endif

#ifdef HEAP_MISUSE_PROGRAM
// Each misuse is found by the command in a program of its own, its report shows the three stacks, and
// the printed replay command reproduces it in a fresh process 10 times out of 10.
TEST(WeftExplore, FindsHeapMisuseWithItsStacksAndReplaysIt) {
  const struct {
    const char* program;
    const char* kind;
    std::vector<const char*> functions;
  } cases[] = {{"use_after_free", "use-after-free", {"read_entry", "remove_entry", "make_entry"}},
               {"double_free", "double-free", {"drop_buffer", "make_buffer"}}};
  for (const auto& [program, kind, functions] : cases) {
    const auto explored = run_program(weft + " explore -n 200 --jobs 2 --strategy pct -- " +
                                      HEAP_MISUSE_PROGRAM + " " + program);
    ASSERT_EQ(explored.exit_code, 1) << explored.output;
    EXPECT_NE(explored.output.find(std::string("failed (") + kind + ")"), std::string::npos)
        << explored.output;
    EXPECT_NE(explored.output.find(std::string("weft: ") + kind + ": thread "), std::string::npos)
        << explored.output;
    EXPECT_NE(explored.output.find("allocated by thread 0:"), std::string::npos) << explored.output;
    for (const char* function : functions) {
      EXPECT_NE(explored.output.find(function), std::string::npos) << function << " in\n" << explored.output;
    }
    const std::string reproduce = line_starting(explored.output, "Reproduce: ");
    ASSERT_FALSE(reproduce.empty()) << explored.output;
    for (int attempt = 0; attempt < 10; ++attempt) {
      const auto replayed = run_program(reproduce.substr(std::string("Reproduce: ").size()));
      EXPECT_EQ(replayed.exit_code, 1) << replayed.output;
      EXPECT_NE(replayed.output.find(std::string("reproduced: ") + kind), std::string::npos)
          << replayed.output;
    }
  }
}
#endif

TEST(WeftCommand, AppliesIgnoreRulesInRunExploreAndReplay) {
  const std::string leaky = std::string(" -- ") + LEAKY_PROGRAM + " leak";
  // run: the option and the environment.
  EXPECT_EQ(run_program(weft + " run" + leaky).exit_code, 1);
  const auto run_ruled = run_program(weft + " run --ignore name:leaky-worker" + leaky);
  EXPECT_EQ(run_ruled.exit_code, 0) << run_ruled.output;
  EXPECT_EQ(run_program("WEFT_IGNORE=name:leaky-* " + weft + " run" + leaky).exit_code, 0);

  // explore: the thread still blocked when main returned is expected, so the run passes.
  const auto explored = run_program(weft + " explore -n 5 --jobs 1" + leaky);
  ASSERT_EQ(explored.exit_code, 1) << explored.output;
  EXPECT_NE(explored.output.find("failed (leak)"), std::string::npos) << explored.output;
  const auto explored_ruled = run_program(weft + " explore -n 5 --jobs 1 --ignore 'name:leaky-*'" + leaky);
  EXPECT_EQ(explored_ruled.exit_code, 0) << explored_ruled.output;
  EXPECT_NE(explored_ruled.output.find("5 runs, 0 failures"), std::string::npos) << explored_ruled.output;
  EXPECT_EQ(
      run_program("WEFT_IGNORE='top:*wait_for_stop*' " + weft + " explore -n 5 --jobs 1" + leaky).exit_code,
      0);
  // Some expected, some not: only the others are reported.
  const auto partly = run_program(weft + " explore -n 5 --jobs 1 --ignore name:nobody" + leaky);
  EXPECT_EQ(partly.exit_code, 1) << partly.output;

  // replay: with the rule, the schedule's run ends without the leak it was recorded from, which replay
  // reports as a different end (exit 3), never as the leak reproduced.
  const std::string reproduce = line_starting(explored.output, "Reproduce: ");
  ASSERT_FALSE(reproduce.empty()) << explored.output;
  const std::string command = reproduce.substr(std::string("Reproduce: ").size());
  const std::string schedule =
      command.substr(command.find(" replay ") + 8, command.find(" -- ") - command.find(" replay ") - 8);
  EXPECT_EQ(run_program(weft + " replay " + schedule + leaky).exit_code, 1);
  const auto replayed = run_program(weft + " replay " + schedule + " --ignore name:leaky-worker" + leaky);
  EXPECT_EQ(replayed.exit_code, 3) << replayed.output;
  EXPECT_NE(replayed.output.find("the replay ran to its end without a failure, but the schedule was recorded "
                                 "from a leak failure"),
            std::string::npos)
      << replayed.output;
}

TEST(WeftCommand, RefusesAMalformedIgnoreRuleBeforeRunning) {
  const std::string leaky = std::string(" -- ") + LEAKY_PROGRAM + " leak";
  for (const std::string subcommand : {"run", "explore", "replay w1.AAAA"}) {
    SCOPED_TRACE(subcommand);
    const auto option = run_program(weft + " " + subcommand + " --ignore stack:foo" + leaky);
    EXPECT_EQ(option.exit_code, 2) << option.output;
    EXPECT_NE(option.output.find("--ignore entry 1 \"stack:foo\" must start with"), std::string::npos)
        << option.output;
    const auto environment =
        run_program("WEFT_IGNORE='name:ok;created_by:' " + weft + " " + subcommand + leaky);
    EXPECT_EQ(environment.exit_code, 2) << environment.output;
    EXPECT_NE(environment.output.find("WEFT_IGNORE entry 2 \"created_by:\" has no pattern"),
              std::string::npos)
        << environment.output;
  }
}

// The program inherits the WEFT_* variables; weft in it would refuse a malformed one only after its
// main ran. The command refuses it first, whatever the subcommand, and starts no run: exit 2, no
// summary, no JSON file, and a replay's schedule is not even looked at.
TEST(WeftCommand, RefusesAMalformedWeftVariableBeforeTheFirstRun) {
  const auto dir = scratch_dir("environment");
  const auto json = dir / "summary.json";
  const std::pair<std::string, std::string> malformed[] = {
      {"WEFT_SIGNAL=abc", "WEFT_SIGNAL must be a real-time signal number"},
      {"WEFT_RACES=sometimes", "WEFT_RACES must be fail, report or off; got \"sometimes\""},
      {"WEFT_LEAKS=sometimes", "WEFT_LEAKS"},
      {"WEFT_FULL_STACKS=yes", "WEFT_FULL_STACKS"},
      {"WEFT_SEED=-1", "WEFT_SEED must be a non-negative integer"},
  };
  for (const auto& [setting, message] : malformed) {
    for (const std::string& subcommand :
         {std::string("run"), "explore -n 3 --json " + json.string(), std::string("replay w2.AAAA")}) {
      SCOPED_TRACE(setting + " weft " + subcommand);
      const auto refused = run_program(setting + " " + weft + " " + subcommand + " -- " + EXITS_SIX);
      EXPECT_EQ(refused.exit_code, 2) << refused.output;
      EXPECT_NE(refused.output.find("weft " + subcommand.substr(0, subcommand.find(' ')) + ": " + message),
                std::string::npos)
          << refused.output;
      EXPECT_EQ(refused.output.find("bad schedule"), std::string::npos) << refused.output;
      EXPECT_EQ(refused.output.find("runs,"), std::string::npos) << refused.output;
      EXPECT_FALSE(std::filesystem::exists(json));
    }
  }
  std::filesystem::remove_all(dir);
}

TEST(WeftExplore, ReportsACrashWithItsOwnReplayCommandOnly) {
  // --verbose: the program's stderr, with the crash guard's line, reaches the terminal as it is.
  const auto explored = run_program(weft + " explore -n 3 --jobs 1 --verbose -- " + ABORTING_PROGRAM);
  ASSERT_EQ(explored.exit_code, 1) << explored.output;
  EXPECT_NE(explored.output.find("run 0 failed (signal)"), std::string::npos) << explored.output;
  // The library's WEFT_REPLAY line does nothing under the command; only its replay command is shown.
  EXPECT_EQ(explored.output.find("WEFT_REPLAY="), std::string::npos) << explored.output;
  EXPECT_NE(explored.output.find("\nweft: Aborted during schedule 1.\n"), std::string::npos)
      << explored.output;
  const std::string reproduce = line_starting(explored.output, "Reproduce: ");
  ASSERT_NE(reproduce.find(" replay w3."), std::string::npos) << explored.output;

  const auto replayed = run_program(reproduce.substr(std::string("Reproduce: ").size()));
  EXPECT_EQ(replayed.exit_code, 1) << replayed.output;
  EXPECT_EQ(replayed.output.find("WEFT_REPLAY="), std::string::npos) << replayed.output;
  EXPECT_NE(replayed.output.find("during schedule 1.\nweft replay: reproduced: signal"), std::string::npos)
      << replayed.output;
}

#ifdef DOUBLE_FREE_AFTER_UNLOCK
// A real double free right after an unlock (item 3's shape, tests/sched/model_shapes_test.cpp) in a
// program that knows nothing of weft: glibc aborts in the run that lets the second owner free between
// the first owner's unlock and its read of the count, and the replay command aborts the same way.
// Without a point after the unlock neither 2,000 schedules nor dfs over its whole space (513
// schedules) reach it; with it, 1-13 schedules over seeds 1-10 (`--seed n`); the budget is 500.
TEST(WeftExplore, FindsADoubleFreeRightAfterAnUnlockAndReplaysItTenTimesOutOfTen) {
  const auto explored = run_program(weft + " explore -n 500 --jobs 1 -- " + DOUBLE_FREE_AFTER_UNLOCK);
  ASSERT_EQ(explored.exit_code, 1) << explored.output;
  EXPECT_NE(explored.output.find("failed (signal)"), std::string::npos) << explored.output;
  EXPECT_NE(explored.output.find("double free"), std::string::npos) << explored.output;
  expect_replays_ten_times(explored, "signal");
}
#endif

// glibc gives a thread its malloc arena at its first allocation, and a thread created after others
// gets a secondary one, mmapped above 4 GiB: main must stay on the process's first thread.
TEST(WeftExplore, RunsMainOnTheProcesssFirstThreadWithItsMainMallocArena) {
#if defined(__SANITIZE_ADDRESS__)
  GTEST_SKIP() << "the program is built with AddressSanitizer too, whose allocator stands in for glibc's "
                  "arenas and never uses the brk heap";
#endif
  const auto plain = run_program(MAIN_ARENA);
  ASSERT_EQ(plain.exit_code, 0) << "the program fails without weft:\n" << plain.output;
  const auto explored = run_program(weft + " explore -n 20 --jobs 2 -- " + MAIN_ARENA);
  EXPECT_EQ(explored.exit_code, 0) << explored.output;
  EXPECT_NE(explored.output.find("weft explore: 20 runs, 0 failures"), std::string::npos) << explored.output;
}

#ifdef ASAN_USE_AFTER_FREE
// A program built with -fsanitize=address (with GCC, a shared runtime that must come first in
// LD_PRELOAD): the run that frees between the reader's two critical sections is a memory-error with
// ASan's own report, not an unreported exit, and its replay command meets the same use-after-free.
TEST(WeftExplore, ReportsAnAddressSanitizerErrorAsAMemoryErrorThatReplaysTenTimesOutOfTen) {
  const auto dir = scratch_dir("asan");
  const auto explored = run_program(weft + " explore -n 200 --jobs 2 --json " +
                                    (dir / "summary.json").string() + " -- " + ASAN_USE_AFTER_FREE);
  ASSERT_EQ(explored.exit_code, 1) << explored.output;
  EXPECT_NE(explored.output.find("failed (memory-error)"), std::string::npos) << explored.output;
  EXPECT_NE(explored.output.find("memory error found by AddressSanitizer: heap-use-after-free"),
            std::string::npos)
      << explored.output;
  EXPECT_EQ(explored.output.find("unreported"), std::string::npos) << explored.output;
  // ASan's report: the access in the reader, the free in the closer.
  EXPECT_NE(explored.output.find("ERROR: AddressSanitizer: heap-use-after-free"), std::string::npos)
      << explored.output;
  EXPECT_NE(explored.output.find("read_balance_later"), std::string::npos) << explored.output;
  EXPECT_NE(explored.output.find("close_account"), std::string::npos) << explored.output;
  const nlohmann::json summary = read_json(dir / "summary.json");
  ASSERT_FALSE(summary["failures"].empty()) << summary.dump();
  EXPECT_EQ(summary["failures"][0]["kind"], "memory-error") << summary.dump();
  EXPECT_NE(summary["failures"][0]["message"].get<std::string>().find("heap-use-after-free"),
            std::string::npos);
  expect_replays_ten_times(explored, "memory-error");
  std::filesystem::remove_all(dir);
}

// LeakSanitizer checks the program when main returns: weft's run, never freed, must not look leaked.
// test.sh turns leak detection off for weft's own tests; this one turns it on for the program.
TEST(WeftExplore, PassesASingleThreadedAddressSanitizedMainThatLeaksNothing) {
#if defined(__SANITIZE_ADDRESS__)
  GTEST_SKIP() << "weft is built with AddressSanitizer too, and its own allocations are not this test's";
#endif
  const std::string with_leak_checks = "ASAN_OPTIONS=detect_leaks=1 ";
  const auto plain = run_program(with_leak_checks + ASAN_USE_AFTER_FREE + " alone");
  if (plain.exit_code != 0)
    GTEST_SKIP() << "LeakSanitizer cannot run here (it needs ptrace):\n" << plain.output;
  const auto explored =
      run_program(with_leak_checks + weft + " explore -n 3 --jobs 1 -- " + ASAN_USE_AFTER_FREE + " alone");
  EXPECT_EQ(explored.exit_code, 0) << explored.output;
  EXPECT_NE(explored.output.find("weft explore: 3 runs, 0 failures"), std::string::npos) << explored.output;
}

TEST(WeftExplore, StaysSilentOnTheAddressSanitizedTwinThatReadsInOneCriticalSection) {
  const auto explored = run_program(weft + " explore -n 100 --jobs 2 -- " + ASAN_USE_AFTER_FREE + " fixed");
  EXPECT_EQ(explored.exit_code, 0) << explored.output;
  EXPECT_NE(explored.output.find("weft explore: 100 runs, 0 failures"), std::string::npos) << explored.output;
}
#endif

#ifdef CRASH_AFTER_MAIN
// The worker crashes after main returned while another thread can still run: weft's own work in the
// crash (encoding the schedule, its copies and allocations) must stay out of the run, or the replay
// meets decisions nobody recorded and waits on itself.
TEST(WeftExplore, ACrashInAThreadAfterMainReturnedReplaysExactly) {
  const auto explored = run_program(weft + " explore -n 50 --jobs 1 -- " + CRASH_AFTER_MAIN);
  ASSERT_EQ(explored.exit_code, 1) << explored.output;
  ASSERT_NE(explored.output.find("failed (signal)"), std::string::npos) << explored.output;
  const std::string reproduce = line_starting(explored.output, "Reproduce: ");
  ASSERT_FALSE(reproduce.empty()) << explored.output;
  for (int i = 0; i < 3; ++i) {
    std::string command = reproduce.substr(std::string("Reproduce: ").size());
    command.insert(command.find(" -- "), " --timeout 20");
    const auto replayed = run_program(command);
    EXPECT_EQ(replayed.exit_code, 1) << replayed.output;
    EXPECT_NE(replayed.output.find("weft replay: reproduced: signal"), std::string::npos) << replayed.output;
    EXPECT_EQ(replayed.output.find("another path"), std::string::npos) << replayed.output;
  }
}
#endif

TEST(WeftReplay, SaysWhenTheRunEndsInAnotherKindOfFailureThanRecorded) {
  const auto dir = scratch_dir("differs");
  const auto explored = run_program(weft + " explore -n 500 --json " + (dir / "found.json").string() +
                                    " -- " + bug_program + " lost_update");
  ASSERT_EQ(explored.exit_code, 1) << explored.output;
  const std::string schedule = read_json(dir / "found.json")["failures"][0]["replay"];
  const auto same = run_program(weft + " replay " + schedule + " -- " + bug_program + " lost_update");
  EXPECT_EQ(same.exit_code, 1) << same.output;
  EXPECT_NE(same.output.find("weft replay: reproduced: check"), std::string::npos) << same.output;
  // The same decisions, said to have ended in a deadlock.
  const auto other = run_program(weft + " replay " + weft_test::relabelled(schedule, "deadlock") + " -- " +
                                 bug_program + " lost_update");
  EXPECT_EQ(other.exit_code, 3) << other.output;
  EXPECT_NE(other.output.find("weft replay: differs: the replay failed with check"), std::string::npos)
      << other.output;
  EXPECT_NE(other.output.find("but the schedule was recorded from a deadlock failure"), std::string::npos)
      << other.output;
  EXPECT_EQ(other.output.find("reproduced"), std::string::npos) << other.output;
  std::filesystem::remove_all(dir);
}

// About 200,000 scheduling points: a schedule of tens of KiB, saved to a file that the printed
// command names, and still usable as a string. Without shrinking: each try would be another run of
// 200,000 points (minutes under AddressSanitizer), and the schedule found is the long one wanted here.
TEST(WeftExplore, SavesALongScheduleToAFileThatItsReproduceLineReplays) {
  const auto dir = scratch_dir("long");
  const std::string tmpdir = "TMPDIR=" + dir.string() + " ";
  const auto explored =
      run_program(tmpdir + weft + " explore -n 20 --strategy random --no-shrink --max-steps 250000 --json " +
                  (dir / "found.json").string() + " -- " + LONG_RUN);
  ASSERT_EQ(explored.exit_code, 1) << explored.output;
  ASSERT_NE(explored.output.find("failed (check)"), std::string::npos) << explored.output;
  const std::string reproduce = line_starting(explored.output, "Reproduce: ");
  ASSERT_FALSE(reproduce.empty()) << explored.output;
  EXPECT_LT(reproduce.size(), 400u) << reproduce;
  EXPECT_NE(reproduce.find(" replay " + dir.string() + "/weft-cli_long_run-"), std::string::npos)
      << reproduce;
  EXPECT_NE(reproduce.find(" --max-steps 250000 -- "), std::string::npos) << reproduce;
  const auto replayed = run_program(reproduce.substr(std::string("Reproduce: ").size()));
  EXPECT_EQ(replayed.exit_code, 1) << replayed.output;
  EXPECT_NE(replayed.output.find("weft replay: reproduced: check: check failed: lost update"),
            std::string::npos)
      << replayed.output;

  // The whole string as one argument: far past a file name's 255 bytes, and it passes to the program
  // through a file, not the environment.
  const std::string schedule = read_json(dir / "found.json")["failures"][0]["replay"];
  EXPECT_GT(schedule.size(), 10'000u);
  const auto as_string = run_program(weft + " replay " + schedule + " --max-steps 250000 -- " + LONG_RUN);
  EXPECT_EQ(as_string.exit_code, 1) << as_string.output.substr(0, 2000);
  EXPECT_NE(as_string.output.find("weft replay: reproduced: check"), std::string::npos)
      << as_string.output.substr(0, 2000);
  std::filesystem::remove_all(dir);
}

struct bad_input {
  std::string arguments;
  std::string message;
};

TEST(WeftCommand, ExitsTwoWithAMessageOnBadInput) {
  const std::string program = " -- " + bug_program + " lost_update";
  for (const bad_input& bad : {
           bad_input{"explore --bogus" + program, "--bogus"},
           bad_input{"explore -n 5", "no program given"},
           bad_input{"explore -n 5 --", "no program given"},
           bad_input{"run", "no program given"},
           bad_input{"replay w2.AAAA", "no program given"},
           bad_input{"replay w1.notaschedule" + program, "bad schedule \"w1.notaschedule\""},
           bad_input{"replay w2.notaschedule" + program, "bad schedule \"w2.notaschedule\""},
           bad_input{"replay /no/such/file" + program, "neither a schedule"},
           bad_input{"replay @/no/such/file" + program, "neither a schedule"},
           bad_input{"replay " + std::string(300, 'x') + program, "neither a schedule"},
           bad_input{"explore --shard 3/2" + program, "--shard i/n needs 0 <= i < n; got \"3/2\""},
           bad_input{"explore --shard two" + program, "--shard must be i/n"},
           bad_input{"explore --strategy pcts" + program,
                     "--strategy must be one of random, pct, pos, dfs, surw, rff, portfolio; got \"pcts\""},
           bad_input{"explore --jobs 0" + program, "--jobs: must be a whole number of at least 1; got \"0\""},
           bad_input{"explore --timeout-per-run soon" + program,
                     "must be a positive number of seconds; got \"soon\""},
           bad_input{"explore --strategy dfs --shard 0/2" + program, "--shard cannot split dfs"},
           bad_input{"run -- /no/such/program", "cannot run \"/no/such/program\""},
           bad_input{"replay" + program, "no schedule given"},
           bad_input{"replay --bytes /no/such/input" + program, "--bytes /no/such/input: no such file"},
           bad_input{"replay w2.AAAA --bytes " + bug_program + program, "not both"},
           bad_input{"explore --max-steps 0" + program, "--max-steps"},
           bad_input{"", "subcommand"},
           bad_input{"frobnicate", "unknown subcommand \"frobnicate\""},
           bad_input{"explore --races sometimes" + program,
                     "--races must be fail, report or off; got \"sometimes\""},
           bad_input{"replay w1.AAAA --races sometimes" + program, "--races must be fail, report or off"},
           bad_input{"explore --seed -1" + program,
                     "--seed: must be a whole number from 0 to 18446744073709551615; got \"-1\""},
           bad_input{"explore --seed 18446744073709551616" + program, "got \"18446744073709551616\""},
           bad_input{"explore --json /no/such/dir/summary.json" + program,
                     "--json \"/no/such/dir/summary.json\": its directory does not exist"},
           bad_input{"explore --json /tmp" + program, "--json \"/tmp\": is a directory"},
           bad_input{"explore --save-dir " + bug_program + "/saved" + program, "--save-dir \""},
           bad_input{"replay w1.AAAA --trace /no/such/dir/trace.json" + program,
                     "--trace \"/no/such/dir/trace.json\": its directory does not exist"},
           bad_input{"frobnicate --help", "unknown subcommand \"frobnicate\""},
       }) {
    SCOPED_TRACE(bad.arguments);
    const auto run = run_program(weft + " " + bad.arguments);
    EXPECT_EQ(run.exit_code, 2) << run.output;
    EXPECT_NE(run.output.find(bad.message), std::string::npos) << run.output;
  }
}

TEST(WeftCommand, RefusesAMalformedWeftRacesBeforeRunning) {
  const auto explored =
      run_program("WEFT_RACES=bogus " + weft + " explore -n 5 -- " + bug_program + " lost_update");
  EXPECT_EQ(explored.exit_code, 2) << explored.output;
  EXPECT_NE(explored.output.find("WEFT_RACES must be fail, report or off; got \"bogus\""), std::string::npos)
      << explored.output;
}

TEST(WeftReplay, QuotesAShortEscapedPrefixOfAGarbageScheduleFile) {
  const auto dir = scratch_dir("garbage");
  const auto small = dir / "small.schedule";
  {
    std::ofstream out(small, std::ios::binary);
    out << std::string("garbage\x01\x1b[31mred\0after", 22);
  }
  const auto big = dir / "big.schedule";
  {
    std::ofstream out(big, std::ios::binary);
    out << std::string(1 << 20, 'Z');
  }
  const std::string program = std::string(" -- ") + EXITS_SIX;
  const auto garbled = run_program(weft + " replay " + small.string() + program);
  EXPECT_EQ(garbled.exit_code, 2) << garbled.output;
  // Unprintable bytes are escaped, and the message goes on past the NUL to say what is wrong.
  EXPECT_EQ(garbled.output.find('\x1b'), std::string::npos) << garbled.output;
  EXPECT_NE(garbled.output.find("\"garbage\\x01\\x1b[31mred\\x00after\""), std::string::npos)
      << garbled.output;
  EXPECT_NE(garbled.output.find("must start with \"w3.\""), std::string::npos) << garbled.output;
  const auto huge = run_program(weft + " replay " + big.string() + program);
  EXPECT_EQ(huge.exit_code, 2) << huge.output;
  EXPECT_LT(huge.output.size(), 1000u) << "the whole bad schedule was echoed";
  EXPECT_NE(huge.output.find("... (1048576 bytes)"), std::string::npos) << huge.output;
  std::filesystem::remove_all(dir);
}

}  // namespace

// ---- weft test ----

namespace {

struct expected_verdict {
  const char* verdict;
  const char* kind;  // "" when it passed
};

// Runs `weft test` with --json and --junit on `suite`, checks every test's verdict and the documented
// fields of the summary, that the JUnit XML parses with one testcase per test, and that every failing
// test's replay command reproduces its failure.
void check_suite_verdicts(const std::string& suite, const std::string& framework,
                          const std::map<std::string, expected_verdict>& expected) {
  const auto dir = scratch_dir("test-" + framework);
  const std::string json_path = (dir / "summary.json").string();
  const std::string junit_path = (dir / "junit.xml").string();
  const auto tested = run_program(weft + " test -n 300 --jobs 2 --json " + json_path + " --junit " +
                                  junit_path + " -- " + suite);
  ASSERT_EQ(tested.exit_code, 1) << tested.output;
  const nlohmann::json summary = read_json(json_path);
  EXPECT_EQ(summary["schema"], "weft.test_summary");
  EXPECT_EQ(summary["version"], 1);
  EXPECT_EQ(summary["framework"], framework);
  std::map<std::string, nlohmann::json> by_name;
  for (const nlohmann::json& test : summary["tests"]) {
    for (const char* field : {"name", "verdict", "kind", "schedules", "uncontrolled_runs", "elapsed_seconds",
                              "replay_command", "races"})
      EXPECT_TRUE(test.contains(field)) << field << " in " << test.dump();
    by_name[test["name"].get<std::string>()] = test;
  }
  ASSERT_EQ(by_name.size(), expected.size()) << summary.dump(2);
  std::size_t concurrent = 0;
  for (const auto& [name, want] : expected) {
    SCOPED_TRACE(name);
    ASSERT_TRUE(by_name.contains(name)) << summary.dump(2);
    const nlohmann::json& test = by_name[name];
    EXPECT_EQ(test["verdict"], want.verdict) << test.dump(2);
    EXPECT_EQ(test["kind"], want.kind) << test.dump(2);
    const std::string verdict = want.verdict;
    const auto schedules = test["schedules"].get<std::size_t>();
    if (verdict == "single-threaded") {
      EXPECT_EQ(schedules, 1u);
    }
    if (verdict == "skipped") {
      EXPECT_EQ(schedules, 0u);
    }
    if (verdict == "pass" && !test["death_test"].get<bool>()) {
      EXPECT_EQ(schedules, 300u);
      ++concurrent;
    }
    if (verdict == "fail" && std::string(want.kind) != "exit") ++concurrent;
    if (verdict != "fail") {
      EXPECT_EQ(test["replay_command"], "");
      continue;
    }
    if (!test["death_test"].get<bool>()) {
      // Its report starts with the story of its shrunk failure.
      const std::size_t heading = tested.output.find("weft test: " + name + " failed (");
      ASSERT_NE(heading, std::string::npos) << tested.output;
      const std::size_t next_line = tested.output.find('\n', heading) + 1;
      EXPECT_EQ(tested.output.compare(next_line, 23, "weft: how it fails, in "), 0)
          << tested.output.substr(heading, 400);
    }
    const std::string command = test["replay_command"];
    ASSERT_FALSE(command.empty()) << test.dump(2);
    EXPECT_NE(tested.output.find("Reproduce: " + command), std::string::npos) << tested.output;
    const auto replayed = run_program(command);
    EXPECT_EQ(replayed.exit_code, 1) << command << "\n" << replayed.output;
    EXPECT_NE(replayed.output.find(std::string("weft replay: reproduced: ") + want.kind), std::string::npos)
        << command << "\n"
        << replayed.output;
  }
  // The lost update and the test failing on its own assertion both end in "exit": only the second is
  // single-threaded.
  EXPECT_EQ(summary["concurrent_tests"].get<std::size_t>(), concurrent + 1) << summary.dump(2);

  const auto parsed = run_program(
      "python3 -c \"import sys, xml.etree.ElementTree as tree; root = tree.parse(sys.argv[1]).getroot(); "
      "cases = list(root.iter('testcase')); print('testcases', len(cases)); "
      "print('failures', sum(1 for c in cases if c.find('failure') is not None)); "
      "print('skipped', sum(1 for c in cases if c.find('skipped') is not None))\" " +
      junit_path);
  ASSERT_EQ(parsed.exit_code, 0) << parsed.output;
  std::size_t failing = 0, skipped = 0;
  for (const auto& [name, want] : expected) {
    failing += std::string(want.verdict) == "fail" ? 1 : 0;
    skipped += std::string(want.verdict) == "skipped" ? 1 : 0;
  }
  EXPECT_NE(parsed.output.find("testcases " + std::to_string(expected.size())), std::string::npos)
      << parsed.output;
  EXPECT_NE(parsed.output.find("failures " + std::to_string(failing)), std::string::npos) << parsed.output;
  EXPECT_NE(parsed.output.find("skipped " + std::to_string(skipped)), std::string::npos) << parsed.output;
  std::filesystem::remove_all(dir);
}

#ifdef GTEST_BUG_SUITE
TEST(WeftTest, GivesEachTestOfAGtestSuiteItsVerdictAndAReplayThatReproducesIt) {
  check_suite_verdicts(GTEST_BUG_SUITE, "gtest",
                       {{"Bugs.LostUpdate", {"fail", "exit"}},
                        {"Bugs.AbbaDeadlock", {"fail", "deadlock"}},
                        {"Bugs.LeakedThread", {"fail", "leak"}},
                        {"Bugs.FailsOnItsOwnAssertion", {"fail", "exit"}},
                        {"Correct.LockedIncrements", {"pass", ""}},
                        {"Correct.SingleThreaded", {"single-threaded", ""}},
                        {"Correct.DISABLED_NeverRuns", {"skipped", ""}},
                        {"Small/Doubling.IsEven/0", {"single-threaded", ""}},
                        {"Small/Doubling.IsEven/1", {"single-threaded", ""}},
                        {"Small/Doubling.IsEven/2", {"single-threaded", ""}},
                        {"Typed/0.StartsAtZero", {"single-threaded", ""}},
                        {"Typed/1.StartsAtZero", {"single-threaded", ""}},
                        {"ExitDeathTest.ExitsWithThree", {"pass", ""}}});
}

TEST(WeftTest, SelectsTestsWithAFilterAndSplitsThemIntoShards) {
  const auto filtered = run_program(weft + " test -n 20 --jobs 2 --filter 'Correct.*:Small/*-*/1' -- " +
                                    std::string(GTEST_BUG_SUITE));
  EXPECT_EQ(filtered.exit_code, 0) << filtered.output;
  EXPECT_NE(
      filtered.output.find("weft test: 5 tests (1 concurrent, 3 single-threaded, 0 death tests, 1 skipped)"),
      std::string::npos)
      << filtered.output;
  EXPECT_EQ(filtered.output.find("IsEven/1"), std::string::npos) << filtered.output;

  std::multiset<std::string> seen;
  for (const char* shard : {"0/3", "1/3", "2/3"}) {
    const auto dir = scratch_dir("test-shard");
    const auto sharded = run_program(weft + " test -n 5 --jobs 2 --shard " + shard + " --json " +
                                     (dir / "s.json").string() + " -- " + GTEST_BUG_SUITE);
    EXPECT_NE(sharded.exit_code, 2) << sharded.output;
    const nlohmann::json summary = read_json(dir / "s.json");
    for (const nlohmann::json& test : summary["tests"]) seen.insert(test["name"].get<std::string>());
    std::filesystem::remove_all(dir);
  }
  EXPECT_EQ(seen.size(), 13u);
  EXPECT_EQ(std::set<std::string>(seen.begin(), seen.end()).size(), 13u);
}

// The budget is counted in schedules: a concurrent test whose time budget has passed at the end of
// its first run is not explored further, whatever -n says.
TEST(WeftTest, EndsATestsExplorationWhenItsTimeBudgetIsSpent) {
  const auto dir = scratch_dir("test-budget");
  const auto tested = run_program(
      weft + " test -n 1000 --jobs 1 --time-per-test 0.000001 --filter Correct.LockedIncrements --json " +
      (dir / "s.json").string() + " -- " + GTEST_BUG_SUITE);
  EXPECT_EQ(tested.exit_code, 0) << tested.output;
  const nlohmann::json summary = read_json(dir / "s.json");
  ASSERT_EQ(summary["tests"].size(), 1u);
  EXPECT_EQ(summary["tests"][0]["verdict"], "pass");
  EXPECT_EQ(summary["tests"][0]["schedules"], 1u);
  std::filesystem::remove_all(dir);
}

// With --keep-going a test goes on after its first failure; the deadlocks it finds again, with the
// same functions on top of the same threads, are one failure with a count.
TEST(WeftTest, ShowsAlikeFailuresOfOneTestOnceWithACount) {
  const auto dir = scratch_dir("test-alike");
  const auto tested =
      run_program(weft + " test -n 300 --jobs 2 --keep-going --filter Bugs.AbbaDeadlock --json " +
                  (dir / "s.json").string() + " -- " + GTEST_BUG_SUITE);
  EXPECT_EQ(tested.exit_code, 1) << tested.output;
  const nlohmann::json summary = read_json(dir / "s.json");
  ASSERT_EQ(summary["tests"].size(), 1u);
  const nlohmann::json& test = summary["tests"][0];
  EXPECT_EQ(test["schedules"], 300u);
  ASSERT_EQ(test["failures"].size(), 1u) << test.dump(2);
  EXPECT_GT(test["failures"][0]["alike"].get<std::size_t>(), 1u) << test.dump(2);
  EXPECT_EQ(weft_test::count_of(tested.output, "Reproduce: "), 1u) << tested.output;
  EXPECT_NE(tested.output.find("more run(s) failed alike"), std::string::npos) << tested.output;
  std::filesystem::remove_all(dir);
}

TEST(WeftTest, RunsEveryTestOfASuiteOfThousands) {
  const auto dir = scratch_dir("test-many");
  const auto tested =
      run_program(weft + " test -q --jobs 2 --json " + (dir / "s.json").string() + " -- " + GTEST_MANY_TESTS);
  EXPECT_EQ(tested.exit_code, 0) << tested.output;
  const nlohmann::json summary = read_json(dir / "s.json");
  ASSERT_EQ(summary["tests"].size(), 2000u);
  std::set<std::string> names;
  for (const nlohmann::json& test : summary["tests"]) {
    EXPECT_EQ(test["verdict"], "single-threaded") << test.dump();
    EXPECT_EQ(test["schedules"], 1u) << test.dump();
    names.insert(test["name"].get<std::string>());
  }
  EXPECT_EQ(names.size(), 2000u);
  EXPECT_TRUE(names.contains("Thousands/Many.IsNotNegative/1999"));
  std::filesystem::remove_all(dir);
}

// dfs: each test has its own search, run by run; the correct test's search ends having tried every
// schedule within the bound, the buggy one's finds the deadlock, which its replay command reproduces.
TEST(WeftTest, SearchesEachTestDepthFirstOnItsOwn) {
  const auto dir = scratch_dir("test-dfs");
  const auto tested = run_program(
      weft + " test --strategy dfs -n 5000 --filter 'Bugs.AbbaDeadlock:Correct.LockedIncrements' --json " +
      (dir / "s.json").string() + " -- " + GTEST_BUG_SUITE);
  EXPECT_EQ(tested.exit_code, 1) << tested.output;
  const nlohmann::json summary = read_json(dir / "s.json");
  ASSERT_EQ(summary["tests"].size(), 2u);
  for (const nlohmann::json& test : summary["tests"]) {
    SCOPED_TRACE(test.dump(2));
    if (test["name"] == "Correct.LockedIncrements") {
      EXPECT_EQ(test["verdict"], "pass");
      EXPECT_TRUE(test["space_covered"].get<bool>());
      EXPECT_LT(test["schedules"].get<std::size_t>(), 5000u);
      continue;
    }
    EXPECT_EQ(test["verdict"], "fail");
    EXPECT_EQ(test["kind"], "deadlock");
    const auto replayed = run_program(test["replay_command"].get<std::string>());
    EXPECT_EQ(replayed.exit_code, 1) << replayed.output;
    EXPECT_NE(replayed.output.find("reproduced: deadlock"), std::string::npos) << replayed.output;
  }
  std::filesystem::remove_all(dir);
}

TEST(WeftTest, ExitsTwoOnATestBinaryItCannotUseOrABadFilterOrShard) {
  const std::string suite = std::string(" -- ") + GTEST_BUG_SUITE;
  for (const bad_input& bad : {
           bad_input{"test -- " + bug_program, "is neither a GoogleTest nor a Catch2 test binary"},
           bad_input{"test --filter 'Nothing.*'" + suite,
                     "--filter \"Nothing.*\" selects none of the 13 tests"},
           bad_input{"test --shard 2/2" + suite, "--shard i/n needs 0 <= i < n; got \"2/2\""},
           bad_input{"test --shard x" + suite, "--shard must be i/n"},
           bad_input{"test --time-per-test 0" + suite, "must be a positive number of seconds"},
           bad_input{"test -- /no/such/suite", "cannot run \"/no/such/suite\""},
           bad_input{"test --junit /no/such/dir/j.xml" + suite, "--junit \"/no/such/dir/j.xml\""},
           bad_input{"test", "no test binary given"},
       }) {
    SCOPED_TRACE(bad.arguments);
    const auto run = run_program(weft + " " + bad.arguments);
    EXPECT_EQ(run.exit_code, 2) << run.output;
    EXPECT_NE(run.output.find(bad.message), std::string::npos) << run.output;
  }
}
#endif

#ifdef CATCH2_BUG_SUITE
TEST(WeftTest, GivesEachTestOfACatch2SuiteItsVerdictAndAReplayThatReproducesIt) {
  check_suite_verdicts(CATCH2_BUG_SUITE, "catch2",
                       {{"lost update, two increments", {"fail", "exit"}},
                        {"ABBA deadlock", {"fail", "deadlock"}},
                        {"leaked thread", {"fail", "leak"}},
                        {"fails on its own assertion", {"fail", "exit"}},
                        {"locked increments [a, b] are \"whole\"", {"pass", ""}},
                        {"single-threaded sum", {"single-threaded", ""}},
                        {"#3 ~not *a* pattern\\ really, [x]", {"single-threaded", ""}}});
}
#endif

// A program that needs a fresh directory with an input file: explored in the current directory, its
// second run finds the first one's state file; with --fresh-dir and --setup, every run passes.
TEST(WeftExplore, StartsEachRunInAFreshDirectoryPreparedBySetup) {
  const auto dir = scratch_dir("fresh");
  const std::string in_dir = "cd " + dir.string() + " && ";
  const std::string program = std::string(" -- ") + NEEDS_FRESH_DIR;
  const auto shared =
      run_program(in_dir + weft + " explore -n 5 --jobs 1 --setup 'echo ready > input'" + program);
  EXPECT_EQ(shared.exit_code, 1) << shared.output;
  EXPECT_NE(shared.output.find("this directory is not fresh"), std::string::npos) << shared.output;

  std::filesystem::remove(dir / "state");
  const auto fresh = run_program(in_dir + weft +
                                 " explore -n 5 --jobs 2 --fresh-dir --setup 'echo ready > input'" + program);
  EXPECT_EQ(fresh.exit_code, 0) << fresh.output;
  EXPECT_NE(fresh.output.find("5 runs, 0 failures"), std::string::npos) << fresh.output;
  EXPECT_FALSE(std::filesystem::exists(dir / "state"));

  // Without the setup the input is missing: the run fails, its directory is kept, and the replay
  // command carries both options.
  const auto no_input = run_program(in_dir + weft + " explore -n 1 --fresh-dir" + program);
  EXPECT_EQ(no_input.exit_code, 1) << no_input.output;
  EXPECT_NE(no_input.output.find("no input file made by the setup"), std::string::npos) << no_input.output;
  const std::string kept = line_starting(no_input.output, "the run's directory is kept: ");
  ASSERT_FALSE(kept.empty()) << no_input.output;
  EXPECT_TRUE(
      std::filesystem::is_directory(kept.substr(std::string("the run's directory is kept: ").size())));
  std::filesystem::remove_all(kept.substr(std::string("the run's directory is kept: ").size()));
  EXPECT_NE(line_starting(no_input.output, "Reproduce: ").find(" --fresh-dir -- "), std::string::npos)
      << no_input.output;

  const auto replay_with_setup =
      run_program(in_dir + weft + " explore -n 1 --fresh-dir --setup 'echo ready > input'" +
                  " --expect-exit 9" + program);
  const std::string reproduce = line_starting(replay_with_setup.output, "Reproduce: ");
  ASSERT_FALSE(reproduce.empty()) << replay_with_setup.output;
  EXPECT_NE(reproduce.find("--fresh-dir --setup 'echo ready > input'"), std::string::npos) << reproduce;
  const auto replayed = run_program(in_dir + reproduce.substr(std::string("Reproduce: ").size()));
  EXPECT_EQ(replayed.exit_code, 1) << replayed.output;
  EXPECT_NE(replayed.output.find("reproduced: exit"), std::string::npos) << replayed.output;
  EXPECT_FALSE(std::filesystem::exists(dir / "state"));

  const auto failing_setup =
      run_program(in_dir + weft + " explore -n 3 --fresh-dir --setup 'exit 7'" + program);
  EXPECT_EQ(failing_setup.exit_code, 2) << failing_setup.output;
  EXPECT_NE(failing_setup.output.find("the --setup command \"exit 7\" failed (exit code 7)"),
            std::string::npos)
      << failing_setup.output;
  std::filesystem::remove_all(dir);
}

}  // namespace
