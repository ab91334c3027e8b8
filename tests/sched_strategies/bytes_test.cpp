// bytes: decision i is byte i modulo the candidate count; past the bytes, a generator seeded from
// the seed alone; every run starts over.
#include "sched/strategies/bytes.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <memory>
#include <span>
#include <vector>

#include "program_model.hpp"
#include "sched/strategies/recording.hpp"

namespace {

constexpr std::array<std::uint8_t, 4> fuzz_input = {7, 1, 250, 2};

// The decisions of one run of three threads with 30 steps each.
std::vector<weft::sched::decision> decisions_of(weft::sched::recording_strategy& recording,
                                                std::uint64_t run) {
  EXPECT_TRUE(recording.begin_run(run));
  (void)weft_test::run_model(weft_test::independent_program(3, 30), recording);
  return recording.recorded().decisions;
}

std::vector<std::uint32_t> chosen(const std::vector<weft::sched::decision>& decisions) {
  std::vector<std::uint32_t> out;
  for (const auto& d : decisions) out.push_back(d.chosen);
  return out;
}

TEST(BytesStrategy, TakesEachByteModuloTheCandidateCount) {
  weft::sched::recording_strategy recording(std::make_unique<weft::sched::bytes_strategy>(fuzz_input, 1));
  const auto decisions = decisions_of(recording, 0);
  ASSERT_GT(decisions.size(), fuzz_input.size());
  for (std::size_t i = 0; i < fuzz_input.size(); ++i) {
    EXPECT_EQ(decisions[i].chosen, fuzz_input[i] % decisions[i].candidates) << "decision " << i;
  }
}

TEST(BytesStrategy, FallsBackToAGeneratorSeededFromTheSeedWhenTheBytesRunOut) {
  weft::sched::recording_strategy one(std::make_unique<weft::sched::bytes_strategy>(fuzz_input, 1));
  weft::sched::recording_strategy same(std::make_unique<weft::sched::bytes_strategy>(fuzz_input, 1));
  weft::sched::recording_strategy other_seed(std::make_unique<weft::sched::bytes_strategy>(fuzz_input, 2));
  const auto first = chosen(decisions_of(one, 0));
  const auto second = chosen(decisions_of(other_seed, 0));
  EXPECT_EQ(first, chosen(decisions_of(same, 0)));
  ASSERT_GT(std::min(first.size(), second.size()), fuzz_input.size());
  EXPECT_TRUE(std::equal(first.begin(), first.begin() + fuzz_input.size(), second.begin()))
      << "the bytes lead";
  EXPECT_NE(first, second) << "the seed decides the rest";
}

TEST(BytesStrategy, StartsOverAtTheFirstByteEveryRun) {
  weft::sched::recording_strategy recording(std::make_unique<weft::sched::bytes_strategy>(fuzz_input, 1));
  const auto first_run = chosen(decisions_of(recording, 0));
  EXPECT_EQ(chosen(decisions_of(recording, 1)), first_run);
  EXPECT_EQ(chosen(decisions_of(recording, 2)), first_run);
}

TEST(BytesStrategy, WithNoBytesDecidesByTheSeedAlone) {
  weft::sched::recording_strategy recording(
      std::make_unique<weft::sched::bytes_strategy>(std::span<const std::uint8_t>(), 1));
  const auto decisions = decisions_of(recording, 0);
  EXPECT_GT(decisions.size(), 30u);
  for (const auto& d : decisions) EXPECT_LT(d.chosen, d.candidates);
}

}  // namespace
