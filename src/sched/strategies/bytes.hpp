// Decisions taken from a byte string, for fuzzers: the fuzzer's input is the schedule, so its
// coverage feedback steers the interleaving. Decision i takes byte i modulo the number of candidates
// that do not wait for progress
// (one byte per decision, so with more than 256 candidates the last ones are reachable only through
// the fallback). Past the last byte, a generator seeded from the seed alone takes over.
//
// Every run starts again from the first byte and the same fallback seed, so the same bytes always
// give the same schedule: a fuzzer needs its input to decide the outcome.
#pragma once

#include <cstdint>
#include <random>
#include <span>

#include "sched/strategies/strategy.hpp"

namespace weft::sched {

class bytes_strategy final : public strategy {
 public:
  // `bytes` must outlive the strategy.
  bytes_strategy(std::span<const std::uint8_t> bytes, std::uint64_t seed) : bytes_(bytes), seed_(seed) {}

  // Rewinds to the first byte and reseeds the fallback; always true.
  [[nodiscard]] bool begin_run(std::uint64_t run_index) override;
  [[nodiscard]] std::size_t choose(std::span<const candidate> candidates, thread_id current) override;
  [[nodiscard]] std::string_view name() const override { return "bytes"; }

 private:
  std::span<const std::uint8_t> bytes_;
  std::uint64_t seed_;
  std::size_t next_byte_ = 0;  // <= bytes_.size(); at the end, decisions come from fallback_
  std::mt19937_64 fallback_;
};

}  // namespace weft::sched
