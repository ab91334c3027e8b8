// Concurrent programs with no weft call between their racing accesses: programs.cpp is compiled with
// weft_instrument, so the plain and std::atomic accesses themselves are the scheduling points. Each
// bug has a correct twin.
#pragma once

namespace weft_test::instrumented {

// Two threads each do `counter = counter + 1` on a plain int, without a lock.
void lost_update();
// The same under a std::mutex.
void lost_update_locked();
// Two threads claim one slot with a load, then a store, of a std::atomic<int>.
void check_then_act();
// The same with compare_exchange_strong.
void check_then_act_with_compare_exchange();

// Single-threaded arithmetic through instrumented plain, volatile and std::atomic accesses, for
// checking that the hooks compute what the uninstrumented code would. Returns the final sum.
long long mixed_accesses(int rounds);

}  // namespace weft_test::instrumented
