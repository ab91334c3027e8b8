// Interleaving feedback for coverage-guided fuzzers. Edge coverage barely changes between two
// interleavings of the same code, so a fuzzer that steers schedules needs a signal about the
// interleaving itself: while feedback is on, every context switch of a controlled run bumps a counter
// chosen by hashing (the operation the thread left at, the operation the next thread resumes at), and
// every read that observed another thread's write bumps one chosen by (write site, read site).
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

// For the memory hooks of weft_instrument: a read made at `read_site` observed the value a write made
// at `write_site` (return addresses into the program's code) stored. Counts the pair while feedback is
// on; otherwise does nothing, at the cost of one relaxed atomic load. Safe from any thread.
void note_reads_from(std::uintptr_t write_site, std::uintptr_t read_site) noexcept;

}  // namespace weft::sched
