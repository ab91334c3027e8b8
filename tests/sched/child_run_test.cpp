// One text for a run reported from another process (fork_each_run's pipe, the weft command's result
// file), and one word per way a run ends.
#include "sched/child_run.hpp"

#include <gtest/gtest.h>

#include <set>
#include <string>

#include "sched/outcome_words.hpp"

namespace {

using weft::explore_result;
using weft::sched::run_end_kind;

TEST(ChildRun, ReadsBackFieldsRacesAndReportAsWritten) {
  weft::sched::child_run_text written;
  written.add("kind", "deadlock")
      .add("steps", 42)
      .add("divergence", "two\nlines\twith a tab and a \\")
      .add_race("a.cpp:1 b.cpp:2", "data race on 4 bytes\n  #0 f()")
      .report("weft: deadlock after 42 steps\n\nReproduce: WEFT_REPLAY=w2abc\n");
  const weft::sched::child_run_report read = weft::sched::read_child_run(written.text());
  EXPECT_TRUE(read.present);
  EXPECT_EQ(read.field("kind"), "deadlock");
  EXPECT_EQ(read.field("steps"), "42");
  EXPECT_EQ(read.field("divergence"), "two\nlines\twith a tab and a \\");
  EXPECT_EQ(read.field("missing"), "");
  ASSERT_EQ(read.races.size(), 1u);
  EXPECT_EQ(read.races[0].first, "a.cpp:1 b.cpp:2");
  EXPECT_EQ(read.races[0].second, "data race on 4 bytes\n  #0 f()");
  EXPECT_EQ(read.report, "weft: deadlock after 42 steps\n\nReproduce: WEFT_REPLAY=w2abc\n");
  EXPECT_EQ(read.crash_line, "");
}

TEST(ChildRun, ATextWithoutItsFirstLineWasNotReported) {
  const weft::sched::child_run_report read = weft::sched::read_child_run("kind: deadlock\n");
  EXPECT_FALSE(read.present);
}

TEST(ChildRun, TheCrashGuardsLineIsTakenApartFromWhatWasWrittenBefore) {
  const std::string text = std::string(weft::sched::child_run_magic) +
                           "\nsteps: 3\n\nweft: Segmentation fault during schedule 7. Reproduce: "
                           "WEFT_REPLAY=w2xyz\n";
  const weft::sched::child_run_report read = weft::sched::read_child_run(text);
  EXPECT_TRUE(read.present);
  EXPECT_EQ(read.crash_line, "weft: Segmentation fault during schedule 7. Reproduce: WEFT_REPLAY=w2xyz");
  EXPECT_EQ(weft::sched::schedule_in_crash_line(read.crash_line), "w2xyz");
  EXPECT_EQ(weft::sched::schedule_in_crash_line("weft: no schedule here"), "");
}

TEST(OutcomeWords, EveryFailureHasItsOwnWordThatNamesItBack) {
  std::set<std::string_view> seen;
  for (int i = 0; i <= static_cast<int>(explore_result::failure::memory_error); ++i) {
    const auto kind = static_cast<explore_result::failure>(i);
    const std::string_view word = weft::sched::word_of(kind);
    EXPECT_TRUE(seen.insert(word).second) << word;
    EXPECT_EQ(weft::sched::failure_named(word), kind) << word;
  }
  EXPECT_EQ(weft::sched::word_of(explore_result::failure::none), "completed");
  EXPECT_EQ(weft::sched::word_of(explore_result::failure::user_check), "check");
  EXPECT_EQ(weft::sched::word_of(explore_result::failure::crash), "signal");
  EXPECT_EQ(weft::sched::word_of(explore_result::failure::memory_error), "memory-error");
  EXPECT_EQ(weft::sched::failure_named("user_check"), std::nullopt);
  EXPECT_EQ(weft::sched::failure_named("exit_during_run"), std::nullopt);
}

TEST(OutcomeWords, EveryWayARunEndsIsAFailureOfItsOwn) {
  std::set<explore_result::failure> seen;
  for (const run_end_kind kind :
       {run_end_kind::completed, run_end_kind::deadlock, run_end_kind::livelock, run_end_kind::leak,
        run_end_kind::exception, run_end_kind::user_check, run_end_kind::hung, run_end_kind::race}) {
    EXPECT_TRUE(seen.insert(weft::sched::failure_of(kind)).second) << static_cast<int>(kind);
  }
  EXPECT_EQ(weft::sched::failure_of(run_end_kind::completed), explore_result::failure::none);
  EXPECT_EQ(weft::sched::failure_of(run_end_kind::user_check), explore_result::failure::user_check);
}

}  // namespace
