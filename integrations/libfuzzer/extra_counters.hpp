// libFuzzer's extra counters: a section of uint8_t counters that libFuzzer reads after every input,
// beside its edge counters, and clears before the next (clang 14 finds them through the linker's
// __start___libfuzzer_extra_counters and __stop___libfuzzer_extra_counters symbols on Linux).
#pragma once

#include <cstdint>
#include <span>

namespace weft::libfuzzer {

// The counters weft's interleaving feedback writes into.
[[nodiscard]] std::span<std::uint8_t> extra_counters();

}  // namespace weft::libfuzzer
