// The fork server (src/cli/fork_server.cpp): runs forked from the program at main must be the runs
// that executing the program anew would give, schedule for schedule, and a program that starts
// threads before main must still be explored, each run executed, with the reason said.
#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "cli/command_output.hpp"
#include "support/run_program.hpp"

namespace {

using weft_test::line_starting;
using weft_test::read_json;
using weft_test::run_program;
using weft_test::scratch_dir;

const std::string weft = WEFT_COMMAND;

struct explored_program {
  std::string name;
  std::string options;  // explore's, before --
  std::string program;  // the program and its arguments
};

std::vector<explored_program> bug_programs() {
  const std::string bugs = BUG_PROGRAM;
  std::vector<explored_program> programs = {
      {"lost_update", "", bugs + " lost_update"},
      {"lost_update_fixed", "", bugs + " lost_update_fixed"},
      {"abba_deadlock", "", bugs + " abba_deadlock"},
      {"lost_wakeup", "", bugs + " lost_wakeup"},
      {"needs_fresh_dir", "--fresh-dir --setup 'echo ready > input' --expect-exit 9", NEEDS_FRESH_DIR},
      {"blocks_forever_fed", "--timeout-per-run 8", std::string(BLOCKS_FOREVER) + " fed"},
  };
#ifdef CRASH_AFTER_MAIN
  programs.push_back({"crash_after_main", "", CRASH_AFTER_MAIN});
#endif
  // Not double_free_after_unlock: once glibc's heap is corrupted, whether the process aborts or
  // segfaults, and where, depends on its addresses, which executing randomizes per run (ASLR) and
  // forking keeps as the server had them.
#ifdef RACE_PROGRAM
  programs.push_back({"race_program", "--races report", std::string(RACE_PROGRAM) + " lost_update"});
#endif
  return programs;
}

// Every run of `weft explore --keep-going` on `explored`, forked or executed: its index, replay string
// and outcome, as the JSON summary lists them.
nlohmann::json explore_runs(const explored_program& explored, bool exec_each_run,
                            const std::filesystem::path& dir, bool& forked) {
  const std::string json_path =
      (dir / (explored.name + (exec_each_run ? "-exec" : "-fork") + ".json")).string();
  const auto run =
      run_program(weft + " explore -n 40 --jobs 2 --keep-going --no-shrink --json " + json_path + " " +
                  explored.options + (exec_each_run ? " --exec-each-run" : "") + " -- " + explored.program);
  EXPECT_TRUE(run.exit_code == 0 || run.exit_code == 1) << run.output;
  EXPECT_EQ(run.output.find("not forked at main"), std::string::npos) << run.output;
  const nlohmann::json summary = read_json(json_path);
  forked = summary["fork_server"].get<bool>();
  nlohmann::json runs = summary["schedules"];
  nlohmann::json failures = nlohmann::json::array();
  for (const nlohmann::json& failure : summary["failures"]) {
    failures.push_back({{"run", failure["run"]}, {"kind", failure["kind"]}, {"message", failure["message"]}});
  }
  return {{"runs", runs}, {"failures", failures}, {"races", summary["races"].size()}};
}

// Runs whose schedule differs between two executed explorations are left out of the comparison: the
// fork server cannot be asked to reproduce what executing does not.
TEST(ForkServer, ForkedRunsHaveTheSchedulesAndVerdictsOfExecutedOnesOnEveryBugProgram) {
  const auto dir = scratch_dir("fork-server-same-runs");
  for (const explored_program& explored : bug_programs()) {
    SCOPED_TRACE(explored.name);
    bool forked = false;
    bool executed_forked = true;
    nlohmann::json by_fork = explore_runs(explored, false, dir, forked);
    nlohmann::json by_exec = explore_runs(explored, true, dir, executed_forked);
    const nlohmann::json by_exec_again = explore_runs(explored, true, dir, executed_forked);
    EXPECT_TRUE(forked);
    EXPECT_FALSE(executed_forked);
    ASSERT_EQ(by_fork["runs"].size(), 40u) << by_fork.dump(2);
    ASSERT_EQ(by_exec["runs"].size(), 40u) << by_exec.dump(2);
    ASSERT_EQ(by_exec_again["runs"].size(), 40u) << by_exec_again.dump(2);
    std::set<std::size_t> compared;
    for (std::size_t run = 0; run < 40; ++run) {
      if (by_exec["runs"][run] != by_exec_again["runs"][run]) continue;
      compared.insert(run);
      EXPECT_EQ(by_fork["runs"][run], by_exec["runs"][run]);
    }
    EXPECT_GE(compared.size(), 38u) << "executing each run is not reproducible:\n"
                                    << by_exec.dump(2) << "\n"
                                    << by_exec_again.dump(2);
    const auto compared_failures = [&](const nlohmann::json& failures) {
      nlohmann::json kept = nlohmann::json::array();
      for (const nlohmann::json& failure : failures) {
        if (compared.contains(failure["run"].get<std::size_t>())) kept.push_back(failure);
      }
      return kept;
    };
    EXPECT_EQ(compared_failures(by_fork["failures"]), compared_failures(by_exec["failures"]));
    EXPECT_EQ(by_fork["races"], by_exec["races"]);
  }
  std::filesystem::remove_all(dir);
}

TEST(ForkServer, EveryTestOfASuiteGetsTheSameVerdictForkedAsExecuted) {
  const auto dir = scratch_dir("fork-server-same-tests");
  std::vector<std::string> suites = {GTEST_BUG_SUITE};
#ifdef CATCH2_BUG_SUITE
  suites.push_back(CATCH2_BUG_SUITE);
#endif
  for (const std::string& suite : suites) {
    SCOPED_TRACE(suite);
    nlohmann::json verdicts[2];
    for (const bool exec_each_run : {false, true}) {
      const std::string json_path = (dir / (exec_each_run ? "exec.json" : "fork.json")).string();
      // --no-shrink: a shrink is bounded in time, so where it stops on a loaded machine may differ
      // between the two; the runs found are what must be the same.
      const auto tested = run_program(weft + " test -n 60 --jobs 2 --no-shrink --json " + json_path +
                                      (exec_each_run ? " --exec-each-run" : "") + " -- " + suite);
      ASSERT_EQ(tested.exit_code, 1) << tested.output;
      const nlohmann::json summary = read_json(json_path);
      EXPECT_EQ(summary["fork_server"].get<bool>(), !exec_each_run) << tested.output;
      nlohmann::json& tests = verdicts[exec_each_run ? 1 : 0];
      for (const nlohmann::json& test : summary["tests"]) {
        // A failing test's count of schedules depends on how many of its runs were under way when
        // the first failure ended and were stopped; the failure itself does not.
        const bool failed = test["verdict"] == "fail";
        tests.push_back({{"name", test["name"]},
                         {"verdict", test["verdict"]},
                         {"kind", test["kind"]},
                         {"schedules", failed ? nlohmann::json() : test["schedules"]},
                         {"replay_command", test["replay_command"]}});
      }
    }
    ASSERT_FALSE(verdicts[0].empty());
    EXPECT_EQ(verdicts[0], verdicts[1]);
  }
  std::filesystem::remove_all(dir);
}

TEST(ForkServer, SaysWhyAProgramWithThreadsBeforeMainIsExecutedForEachRunAndStillFindsItsBug) {
  const auto dir = scratch_dir("fork-server-threads-before-main");
  const std::string json_path = (dir / "summary.json").string();
  const auto explored = run_program(weft + " explore -n 300 --jobs 2 --json " + json_path + " -- " +
                                    THREAD_BEFORE_MAIN + " lost_update");
  EXPECT_EQ(explored.exit_code, 1) << explored.output;
  EXPECT_NE(explored.output.find("are not forked at main: 2 threads were running when its main began ("),
            std::string::npos)
      << explored.output;
  EXPECT_NE(explored.output.find("\"before-main\""), std::string::npos) << explored.output;
  EXPECT_NE(explored.output.find("each run starts the program anew"), std::string::npos) << explored.output;
  EXPECT_NE(explored.output.find("failed (check)"), std::string::npos) << explored.output;
  EXPECT_FALSE(read_json(json_path)["fork_server"].get<bool>());
  const std::string reproduce = line_starting(explored.output, "Reproduce: ");
  ASSERT_FALSE(reproduce.empty()) << explored.output;
  const auto replayed = run_program(reproduce.substr(std::string("Reproduce: ").size()));
  EXPECT_EQ(replayed.exit_code, 1) << replayed.output;
  EXPECT_NE(replayed.output.find("weft replay: reproduced: check"), std::string::npos) << replayed.output;

  const auto fixed =
      run_program(weft + " explore -n 50 --jobs 2 -q -- " + THREAD_BEFORE_MAIN + " lost_update_fixed");
  EXPECT_EQ(fixed.exit_code, 0) << fixed.output;
  std::filesystem::remove_all(dir);
}

}  // namespace
