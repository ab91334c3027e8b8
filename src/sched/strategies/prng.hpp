// How strategies draw: one std::mt19937_64 per strategy (its output is fixed by the standard, so a
// seed means the same choices with any standard library), seeded per run from (seed, run index).
#pragma once

#include <cstddef>
#include <cstdint>
#include <random>

namespace weft::sched {

// splitmix64's finalizer (Steele, Lea, Flood, "Fast splittable pseudorandom number generators",
// OOPSLA 2014): neighbouring inputs such as seeds 1, 2, 3 give unrelated outputs. It is a bijection,
// so distinct inputs never collide.
[[nodiscard]] constexpr std::uint64_t mix_bits(std::uint64_t x) {
  x += 0x9E3779B97F4A7C15ull;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
  return x ^ (x >> 31);
}

// The seed of one run, or of one member of a portfolio: any run can be reproduced from
// (seed, index) alone.
[[nodiscard]] constexpr std::uint64_t derive_seed(std::uint64_t seed, std::uint64_t index) {
  return mix_bits(mix_bits(seed) + index);
}

// An index below `count` (which must be positive). Plain modulo: its bias, below count / 2^64, is far
// too small to matter, and unlike std::uniform_int_distribution its result is the same everywhere.
[[nodiscard]] inline std::size_t draw_below(std::mt19937_64& rng, std::size_t count) {
  return static_cast<std::size_t>(rng() % count);
}

}  // namespace weft::sched
