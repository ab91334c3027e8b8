// rff: reads-from constraints drawn from what earlier runs read and wrote hold the reader back until
// the write it must observe is the last one (or, negated, is not); runs that reach new pairs join the
// corpus.
#include "sched/strategies/rff.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <vector>

#include "learning_model.hpp"
#include "program_model.hpp"
#include "sched/strategies/random.hpp"

namespace {

using weft::sched::candidate;
using weft_test::at;
using weft_test::op_kind;

constexpr std::uintptr_t x = 0x1000;
constexpr std::uintptr_t first_write = 0x100;
constexpr std::uintptr_t second_write = 0x200;
constexpr std::uintptr_t read_site = 0x300;

// A run in which thread 0 and thread 1 write x at their own sites and thread 2 reads it: the read
// could observe either write.
void teach_two_writers_one_reader(weft::sched::run_coverage& coverage) {
  weft_test::teach_run(coverage, {{0, at(op_kind::atomic_store, x, first_write)},
                                  {1, at(op_kind::atomic_store, x, second_write)},
                                  {2, at(op_kind::atomic_load, x, read_site)}});
}

// Over 400 runs, with the second write the last one performed: how often the reader runs before the
// first writer.
int reader_first(weft::sched::strategy& s, weft::sched::run_coverage& coverage) {
  int first = 0;
  for (std::uint64_t run = 1; run <= 400; ++run) {
    (void)s.begin_run(run);
    coverage.note_start();
    coverage.note_point(1, at(op_kind::atomic_store, x, second_write));
    coverage.note_point(1, at(op_kind::exit, 0, 0x10));  // the second write is performed
    const candidate both[] = {{0, at(op_kind::atomic_store, x, first_write)},
                              {2, at(op_kind::atomic_load, x, read_site)}};
    first += s.choose(both, 1) == 1 ? 1 : 0;
    coverage.note_end();
    s.end_run(3);
  }
  return first;
}

// The constraint rff adds to an empty schedule is on the one read site it knows: half of them (the
// first write observed, or the second one not) hold the reader back while the first writer can
// run, so the reader goes first in about a quarter of the runs, against half for a random walk.
TEST(RffStrategy, HoldsAReaderBackUntilItsConstraintHolds) {
  auto coverage = std::make_shared<weft::sched::run_coverage>();
  weft::sched::rff_strategy rff(3, coverage);
  (void)rff.begin_run(0);
  teach_two_writers_one_reader(*coverage);
  rff.end_run(3);
  ASSERT_EQ(coverage->read_sites().size(), 1u);
  EXPECT_EQ(coverage->read_sites()[0].writers, (std::vector<std::uintptr_t>{first_write, second_write}));
  EXPECT_LE(reader_first(rff, *coverage), 140);

  auto plain = std::make_shared<weft::sched::run_coverage>();
  weft::sched::random_strategy random(3);
  EXPECT_GE(reader_first(random, *plain), 150);
}

TEST(RffStrategy, SameSeedAndSameLessonsMakeTheSameChoices) {
  std::vector<std::size_t> first;
  std::vector<std::size_t> second;
  for (std::vector<std::size_t>* choices : {&first, &second}) {
    auto coverage = std::make_shared<weft::sched::run_coverage>();
    weft::sched::rff_strategy rff(9, coverage);
    (void)rff.begin_run(0);
    teach_two_writers_one_reader(*coverage);
    rff.end_run(3);
    for (std::uint64_t run = 1; run <= 50; ++run) {
      (void)rff.begin_run(run);
      coverage->note_start();
      const candidate three[] = {{0, at(op_kind::atomic_store, x, first_write)},
                                 {1, at(op_kind::atomic_store, x, second_write)},
                                 {2, at(op_kind::atomic_load, x, read_site)}};
      choices->push_back(rff.choose(three, 0));
      // Every run reaches a switch pair of its own, so its schedule joins the corpus.
      coverage->note_point(0, at(op_kind::atomic_store, x, 0x1000 + run));
      coverage->note_point(1, at(op_kind::atomic_store, x, 0x2000 + run));
      coverage->note_switch(0, 1);
      coverage->note_end();
      rff.end_run(3);
    }
  }
  EXPECT_EQ(first, second);
}

TEST(RffStrategy, TakesOrdinaryMemoryAccessesAtOnce) {
  weft::sched::operation lock{op_kind::mutex_lock, 0x2000};
  weft::sched::operation access{op_kind::atomic_store, 0x1000};
  access.interesting = false;
  for (std::uint64_t seed = 1; seed <= 50; ++seed) {
    weft::sched::rff_strategy rff(seed);
    (void)rff.begin_run(0);
    const candidate one_ordinary[] = {{0, lock}, {1, access}, {2, lock}};
    EXPECT_EQ(rff.choose(one_ordinary, 0), 1u) << "seed " << seed;
  }
}

TEST(RffStrategy, FindsTheLostUpdateWithin200Runs) {
  weft::sched::rff_strategy rff(1);
  EXPECT_GE(weft_test::explore_until(
                weft_test::lost_update_program(2, 3), rff, 200,
                [](const weft_test::run_result& r) { return weft_test::lost_an_update(r, 2); }),
            0);
}

}  // namespace
