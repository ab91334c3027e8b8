#include "extra_counters.hpp"

namespace weft::libfuzzer {
namespace {

// 32 KiB: few enough that scanning them after every input costs microseconds, many enough that the
// site pairs of a test rarely share a counter.
constexpr std::size_t counter_count = 1 << 15;

__attribute__((section("__libfuzzer_extra_counters"), used)) std::uint8_t counters[counter_count];

}  // namespace

std::span<std::uint8_t> extra_counters() {
  return counters;
}

}  // namespace weft::libfuzzer
