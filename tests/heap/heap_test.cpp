// The heap checks of controlled runs (src/sched/heap_checker.hpp) on the programs of programs.hpp:
// each misuse is found with the three stacks and replays; each twin passes every strategy.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <string>
#include <weft/sched.hpp>

#include "deep_bugs/programs.hpp"
#include "heap/programs.hpp"
#include "support/run_program.hpp"

namespace {

using failure = weft::explore_result::failure;
namespace programs = weft_test::heap;

const char* const every_strategy[] = {"random", "pct", "pos", "dfs", "bytes", "surw", "rff", "portfolio"};

weft::explore_options with(const std::string& strategy, std::size_t runs) {
  return weft::explore_options().strategy(strategy).seed(1).iterations(runs).quiet();
}

void expect_mentions(const std::string& report, std::initializer_list<const char*> words) {
  for (const char* word : words) EXPECT_NE(report.find(word), std::string::npos) << word << " in\n" << report;
}

// Found by every strategy but dfs (whose first schedules all run the reader to its end first), and
// each found schedule reproduces the misuse 10 times out of 10.
void found_and_replayed(void (*program)(), failure kind) {
  for (const char* strategy : {"random", "pct", "pos", "surw", "rff", "portfolio"}) {
    const weft::explore_result found = weft::explore(program, with(strategy, 200));
    ASSERT_EQ(found.kind, kind) << strategy << ", after " << found.schedules << " schedules\n"
                                << found.report;
    EXPECT_FALSE(found.uncontrolled) << strategy;
    for (int attempt = 0; attempt < 10; ++attempt) {
      const weft::explore_result again = weft::replay(found.replay, program, with(strategy, 1));
      EXPECT_EQ(again.kind, kind) << strategy << "\n" << again.report;
      EXPECT_FALSE(again.diverged) << strategy << ": " << again.divergence;
    }
  }
}

void passes(void (*program)(), const std::string& strategy) {
  const weft::explore_result result = weft::explore(program, with(strategy, 500));
  EXPECT_FALSE(result.failed()) << strategy << ":\n" << result.report;
  EXPECT_FALSE(result.uncontrolled) << strategy << ": a run needed the watchdog";
  EXPECT_TRUE(result.schedules == 500 || result.space_covered) << strategy << ": " << result.schedules;
}

// The twins, 500 schedules of each strategy: one test per strategy keeps each within ctest's timeout.
class HeapChecksTwin : public testing::TestWithParam<const char*> {};

TEST_P(HeapChecksTwin, UseAfterFreeTwinPasses) {
  passes(programs::use_after_free_twin, GetParam());
}

TEST_P(HeapChecksTwin, DoubleFreeTwinPasses) {
  passes(programs::double_free_twin, GetParam());
}

INSTANTIATE_TEST_SUITE_P(EveryStrategy, HeapChecksTwin, testing::ValuesIn(every_strategy));

TEST(HeapChecks, UseAfterFreeBetweenThreadsIsFoundAndReplays) {
  found_and_replayed(programs::use_after_free, failure::use_after_free);
}

TEST(HeapChecks, UseAfterFreeReportShowsTheAccessTheFreeAndTheAllocation) {
  const weft::explore_result found = weft::explore(programs::use_after_free, with("pct", 200));
  ASSERT_EQ(found.kind, failure::use_after_free) << found.report;
  const std::string& report = found.report;
  expect_mentions(report, {"weft: use-after-free: thread ", " read 4 bytes at offset 4 of the 8-byte block",
                           "read by thread ", "freed by thread ", "allocated by thread 0"});
  // Each stack in its place: the read in read_entry, the delete in remove_entry, the new in make_entry.
  const std::size_t read = report.find("read by thread ");
  const std::size_t freed = report.find("freed by thread ");
  const std::size_t allocated = report.find("allocated by thread ");
  ASSERT_LT(read, freed);
  ASSERT_LT(freed, allocated);
  EXPECT_NE(report.substr(read, freed - read).find("read_entry"), std::string::npos) << report;
  EXPECT_NE(report.substr(freed, allocated - freed).find("remove_entry"), std::string::npos) << report;
  EXPECT_NE(report.substr(allocated).find("make_entry"), std::string::npos) << report;
}

TEST(HeapChecks, UseAfterFreeInTheTestsOwnThreadEndsTheRunThere) {
  const weft::explore_result found =
      weft::explore(programs::use_after_free_in_the_test_thread, with("random", 50));
  ASSERT_EQ(found.kind, failure::use_after_free) << found.report;
  expect_mentions(found.report,
                  {"weft: use-after-free: thread 0 read", "read_entry", "remove_entry", "make_entry"});
  const weft::explore_result again =
      weft::replay(found.replay, programs::use_after_free_in_the_test_thread, with("random", 1));
  EXPECT_EQ(again.kind, failure::use_after_free) << again.report;
}

TEST(HeapChecks, DoubleFreeBetweenThreadsIsFoundAndReplays) {
  found_and_replayed(programs::double_free, failure::double_free);
}

TEST(HeapChecks, DoubleFreeReportShowsBothFreesAndTheAllocation) {
  const weft::explore_result found = weft::explore(programs::double_free, with("pct", 200));
  ASSERT_EQ(found.kind, failure::double_free) << found.report;
  const std::string& report = found.report;
  expect_mentions(report, {"weft: double-free: thread ", "freed the 64-byte block at 0x", "had freed already",
                           "freed again by thread ", "first freed by thread ", "allocated by thread 0"});
  const std::size_t again = report.find("freed again by thread ");
  const std::size_t first = report.find("first freed by thread ");
  const std::size_t allocated = report.find("allocated by thread ");
  ASSERT_LT(again, first);
  ASSERT_LT(first, allocated);
  EXPECT_NE(report.substr(again, first - again).find("drop_buffer"), std::string::npos) << report;
  EXPECT_NE(report.substr(first, allocated - first).find("drop_buffer"), std::string::npos) << report;
  EXPECT_NE(report.substr(allocated).find("make_buffer"), std::string::npos) << report;
}

// Before the heap checks, the race detector kept the first thread's write to a block the allocator
// then handed to the second, and reported the second's write as racing with it.
TEST(HeapChecks, BlockFreedAndReusedByAnotherThreadIsNoRace) {
  for (const char* strategy : {"random", "pct", "pos"}) {
    const weft::explore_result result =
        weft::explore(programs::freed_block_reused_by_another_thread, with(strategy, 100));
    EXPECT_FALSE(result.failed()) << strategy << ":\n" << result.report;
  }
}

// An exploration of an instrumented program is the same from the same seed in any process: its
// strategies learn from the steps of earlier runs (pct's step count, surw, rff), and which plain
// accesses were points depended on which addresses the allocator handed out, which depends on the
// process's history (measured before the heap checks: pct's seeds 1-3 on the ABA stack took from 332
// to 1,314 schedules in different processes). Each process here explores twice, once after the other
// has left the allocator in another state.
TEST(HeapChecks, InstrumentedExplorationIsTheSameInEveryProcess) {
  const std::string command = "/proc/" + std::to_string(getpid()) +
                              "/exe --gtest_also_run_disabled_tests "
                              "--gtest_filter=HeapChecks.DISABLED_PrintsExplorationsOfTheAbaStack";
  const weft_test::program_run first = weft_test::run_program(command);
  const weft_test::program_run second = weft_test::run_program(command);
  ASSERT_EQ(first.exit_code, 0) << first.output;
  ASSERT_EQ(second.exit_code, 0) << second.output;
  const auto explorations = [](const std::string& output) {
    std::string lines;
    for (std::size_t at = output.find("explored: "); at != std::string::npos;
         at = output.find("explored: ", at + 1))
      lines += output.substr(at, output.find('\n', at) - at) + "\n";
    return lines;
  };
  EXPECT_EQ(weft_test::count_of(first.output, "explored: "), 4u) << first.output;
  EXPECT_EQ(explorations(first.output), explorations(second.output));
}

TEST(HeapChecks, DISABLED_PrintsExplorationsOfTheAbaStack) {
  for (std::uint64_t seed : {2u, 3u, 2u, 3u}) {
    const weft::explore_result found = weft::explore(
        weft_test::deep_bugs::aba_stack, with("pct", 3000).seed(seed).races(weft::race_mode::off));
    std::printf("explored: seed %llu, %zu schedules, %s\n", static_cast<unsigned long long>(seed),
                found.schedules, found.replay.c_str());
  }
}

// Nodes allocated by one thread and freed by another, correctly: the checks stay silent.
TEST(HeapChecks, NodeQueueHandingBlocksBetweenThreadsPasses) {
  const weft::explore_result result = weft::explore(programs::node_queue, with("pct", 300));
  EXPECT_FALSE(result.failed()) << result.report;
}

}  // namespace
