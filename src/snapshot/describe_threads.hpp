// Turns tids into fully described threads: /proc status, stack, symbols, creation record, state in
// words. take_snapshot and find_leaks both go through here, so a leak report and a snapshot always
// describe a thread the same way.
#pragma once

#include <chrono>
#include <span>
#include <vector>

#include "weft/snapshot.hpp"

namespace weft::snapshots {

// Describes the threads among `tids` that still exist, in the order given. Reads /proc for each
// before signalling any (so the state is the one the thread was in, not the signal's), then captures
// all stacks in one bounded wait. Threads that exit meanwhile are left out, and so are threads that
// have left their start routine (registry::finished_recently), which are not signalled.
[[nodiscard]] std::vector<thread_info> describe_threads(std::span<const int> tids,
                                                        std::chrono::milliseconds stack_timeout);

// The creation record of a thread, from weft's registry alone (no signal, no /proc read).
[[nodiscard]] creation_record creation_of(int tid);

}  // namespace weft::snapshots
