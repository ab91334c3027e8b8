// surw: a thread is drawn with weight in proportion to the events it has left, learned from earlier
// runs; plain accesses at code never seen racing run at once.
#include "sched/strategies/surw.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <vector>

#include "learning_model.hpp"
#include "program_model.hpp"

namespace {

using weft::sched::candidate;
using weft_test::at;
using weft_test::op_kind;

constexpr std::uintptr_t x = 0x1000;

// A run in which thread 0 performs one store and thread 1 twenty.
void teach_one_and_twenty(weft::sched::run_coverage& coverage) {
  std::vector<std::pair<weft::sched::thread_id, weft::sched::operation>> steps;
  steps.push_back({0, at(op_kind::atomic_store, x, 0x100)});
  for (int i = 0; i < 20; ++i) steps.push_back({1, at(op_kind::atomic_store, x, 0x200)});
  weft_test::teach_run(coverage, steps);
}

// How often, over 400 runs, thread 1 goes first at the run's first choice between the two.
int times_the_busier_thread_goes_first(bool learned) {
  auto coverage = std::make_shared<weft::sched::run_coverage>();
  weft::sched::surw_strategy surw(5, coverage);
  if (learned) {
    (void)surw.begin_run(0);
    teach_one_and_twenty(*coverage);
    surw.end_run(21);
  }
  int busier_first = 0;
  for (std::uint64_t run = 1; run <= 400; ++run) {
    (void)surw.begin_run(run);
    coverage->note_start();
    const candidate both[] = {{0, at(op_kind::atomic_store, x, 0x100)},
                              {1, at(op_kind::atomic_store, x, 0x200)}};
    coverage->note_point(0, both[0].next);
    coverage->note_point(1, both[1].next);
    busier_first += surw.choose(both, 0) == 1 ? 1 : 0;
  }
  return busier_first;
}

// Weights 1 and 20 (its 20 events, the pending one reached): thread 1 first about 95% of the time;
// before anything is learned both weigh 1, a fair coin.
TEST(SurwStrategy, DrawsAThreadByTheEventsItHasLeft) {
  EXPECT_GE(times_the_busier_thread_goes_first(true), 340);
  const int unlearned = times_the_busier_thread_goes_first(false);
  EXPECT_GE(unlearned, 150);
  EXPECT_LE(unlearned, 250);
}

TEST(SurwStrategy, SameSeedAndSameLessonsMakeTheSameChoices) {
  std::vector<std::size_t> first;
  std::vector<std::size_t> second;
  for (std::vector<std::size_t>* choices : {&first, &second}) {
    auto coverage = std::make_shared<weft::sched::run_coverage>();
    weft::sched::surw_strategy surw(9, coverage);
    (void)surw.begin_run(0);
    teach_one_and_twenty(*coverage);
    surw.end_run(21);
    for (std::uint64_t run = 1; run <= 50; ++run) {
      (void)surw.begin_run(run);
      const candidate three[] = {{0, at(op_kind::atomic_store, x, 0x100)},
                                 {1, at(op_kind::atomic_store, x, 0x200)},
                                 {2, at(op_kind::mutex_lock, 0x3000, 0x300)}};
      choices->push_back(surw.choose(three, 0));
    }
  }
  EXPECT_EQ(first, second);
}

TEST(SurwStrategy, TakesOrdinaryMemoryAccessesAtOnce) {
  weft::sched::operation lock{op_kind::mutex_lock, 0x2000};
  weft::sched::operation access{op_kind::atomic_store, 0x1000};
  access.interesting = false;
  for (std::uint64_t seed = 1; seed <= 50; ++seed) {
    weft::sched::surw_strategy surw(seed);
    (void)surw.begin_run(0);
    const candidate one_ordinary[] = {{0, lock}, {1, access}, {2, lock}};
    EXPECT_EQ(surw.choose(one_ordinary, 0), 1u) << "seed " << seed;
    const candidate two_ordinary[] = {{0, access}, {1, lock}, {2, access}};
    EXPECT_EQ(surw.choose(two_ordinary, 2), 2u) << "seed " << seed;
  }
}

TEST(SurwStrategy, FindsTheLostUpdateWithin200Runs) {
  weft::sched::surw_strategy surw(1);
  EXPECT_GE(weft_test::explore_until(
                weft_test::lost_update_program(2, 3), surw, 200,
                [](const weft_test::run_result& r) { return weft_test::lost_an_update(r, 2); }),
            0);
}

}  // namespace
