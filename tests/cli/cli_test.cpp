// The weft command end to end: every test runs `weft` on small programs (programs/) as subprocesses
// and looks at its exit code, its output and the files it writes.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>

#include "support/bug_programs.hpp"
#include "support/relabelled_schedule.hpp"
#include "support/run_program.hpp"

namespace {

using weft_test::run_program;

const std::string weft = WEFT_COMMAND;
const std::string bug_program = BUG_PROGRAM;

std::string line_starting(const std::string& text, const std::string& prefix) {
  const std::size_t at = text.find("\n" + prefix);
  if (at == std::string::npos) return text.rfind(prefix, 0) == 0 ? text.substr(0, text.find('\n')) : "";
  return text.substr(at + 1, text.find('\n', at + 1) - at - 1);
}

std::filesystem::path scratch_dir(const std::string& name) {
  const auto dir =
      std::filesystem::temp_directory_path() / ("weft-cli-test-" + name + "-" + std::to_string(getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

nlohmann::json read_json(const std::filesystem::path& path) {
  std::ifstream in(path);
  return nlohmann::json::parse(in);
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
    const std::string reproduce = line_starting(explored.output, "Reproduce: ");
    ASSERT_FALSE(reproduce.empty()) << explored.output;
    const std::string command = reproduce.substr(std::string("Reproduce: ").size());
    for (int i = 0; i < 10; ++i) {
      const auto replayed = run_program(command);
      ASSERT_EQ(replayed.exit_code, 1) << command << "\n" << replayed.output;
      EXPECT_NE(replayed.output.find(std::string("weft replay: reproduced: ") + bug.kind), std::string::npos)
          << replayed.output;
    }
  }
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
        run_program(weft + " explore -n 500 --seed 3 --strategy random --jobs " + std::to_string(jobs) +
                    " --json " + json.string() + " -- " + bug_program + " bounded_buffer_with_if");
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
// command names, and still usable as a string.
TEST(WeftExplore, SavesALongScheduleToAFileThatItsReproduceLineReplays) {
  const auto dir = scratch_dir("long");
  const std::string tmpdir = "TMPDIR=" + dir.string() + " ";
  const auto explored =
      run_program(tmpdir + weft + " explore -n 20 --strategy random --max-steps 250000 --json " +
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
                     "--strategy must be one of random, pct, pos, dfs, portfolio; got \"pcts\""},
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
       }) {
    SCOPED_TRACE(bad.arguments);
    const auto run = run_program(weft + " " + bad.arguments);
    EXPECT_EQ(run.exit_code, 2) << run.output;
    EXPECT_NE(run.output.find(bad.message), std::string::npos) << run.output;
  }
}

}  // namespace
