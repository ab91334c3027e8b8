// Program counters to function, file, line and module, through elfutils' libdw.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "weft/snapshot.hpp"

namespace weft::symbolize {

// Symbolizes `pcs` (innermost first, as captured). `first_is_exact` says pcs[0] is an interrupted pc
// rather than a return address; return addresses are looked up at pc - 1 so that a call at the end of
// a function is named correctly. Results are cached per unique pc for the life of the process; modules
// loaded after the first call are found on a cache miss. Thread-safe. Never throws for an unknown pc:
// the frame keeps an empty function and names its module and offset where the pc is mapped.
// A pc inside inlined code yields one frame per inlined call, innermost first, all with that pc: the
// result can hold more frames than `pcs`.
[[nodiscard]] std::vector<stack_frame> frames(std::span<const std::uintptr_t> pcs, bool first_is_exact);

}  // namespace weft::symbolize
