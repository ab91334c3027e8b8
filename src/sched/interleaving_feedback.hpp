// Interleaving feedback for coverage-guided fuzzers. Edge coverage barely changes between two
// interleavings of the same code, so a fuzzer that steers schedules needs a signal about the
// interleaving itself: while feedback is on, every context switch of a controlled run bumps a counter
// chosen by hashing (the operation the thread left at, the operation the next thread resumes at), and
// every read that observed another thread's write bumps one chosen by (write site, read site): both
// reach it as a run observer.
// A fuzzer keeps an input that reaches a counter no earlier input reached, or reaches one more often.
#pragma once

#include <cstdint>
#include <span>

namespace weft::sched {

// Starts counting into `counters` (libFuzzer's extra counters, for example), which must stay valid
// until stop_interleaving_feedback. Registers a run observer, so, like add_run_observer, it must not
// be called while a controlled run is in progress. Calling it again replaces the counters. An empty
// span stops feedback.
void start_interleaving_feedback(std::span<std::uint8_t> counters);
void stop_interleaving_feedback();

}  // namespace weft::sched
