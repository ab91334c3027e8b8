// Six racy programs, each beside a correct twin, written with std:: types only: programs.cpp is
// compiled with weft_instrument, so the plain accesses, std::atomic operations and memcpy calls in
// it are what weft schedules and checks for data races. No weft::atomic, no weft::yield_point.
//
// Each program is a test function for weft::explore (it starts its own threads and joins them).
// Where the bug has a symptom under a sequentially consistent interleaving, the program checks it
// with weft::expect; outside a controlled run a failed check throws std::logic_error.
//
// The functions named in each comment are the two racing access sites, which a race report names in
// its two stacks; they are never inlined, so that the names survive optimization.
#pragma once

namespace weft_test::race {

// Two threads do `counter = counter + 1` on a plain int with no lock (both in bump_counter).
// Symptom: the counter ends at 1.
void lost_update();
// The same under one std::mutex.
void lost_update_twin();

// The writer stores the message, then raises a plain bool; the reader checks the bool and then reads
// the message (publish_message / read_message). No symptom under sequential consistency: nothing
// orders the reader's read of the message after the writer's write, so only the race shows it.
void flag_before_data();
// The flag is a std::atomic<bool>, stored with release and loaded with acquire.
void flag_before_data_twin();

// A deposit and a withdrawal each lock a mutex, but not the same one (deposit / withdraw).
// Symptom: the balance is wrong.
void different_mutexes();
// Both lock the account's one mutex.
void different_mutexes_twin();

// A Chase-Lev work-stealing deque: the owner pushes and pops at the bottom, a thief steals at the
// top. The bug: push publishes the new bottom with a relaxed store, so the thief's plain read of the
// slot (steal) is not ordered after the owner's plain write of it (push). No symptom under
// sequential consistency.
void chase_lev_relaxed_publish();
// push publishes the bottom with a release store.
void chase_lev_twin();

// A Treiber stack over a fixed pool of nodes whose top is an index with no version: a popper that
// read top A and next B may still swing top to B after another thread popped A and B and pushed A
// back. Symptom: one node held by two threads; the race is on that node's value, written by its
// owner (reuse_node) and read by the second popper (consume_node).
void aba_stack();
// The same program without its check of the nodes' owners: the ABA schedules that corrupt the stack
// without a racing access then pass, so a search for the race is not stopped by them.
void aba_stack_unchecked();
// The top carries a version that every successful swing increments, so the stale swing fails.
void aba_stack_twin();

// A worker does `+=` on a histogram's buckets and total (record_hit) while a reporter copies the
// whole histogram with std::memcpy (take_snapshot). Symptom: a snapshot whose buckets do not add
// up to its total.
void memcpy_snapshot();
// Both take the histogram's mutex.
void memcpy_snapshot_twin();

// The writer fulfils a std::promise and then writes the message; the reader waits on the future and
// reads the message (write_after_promise / read_after_future). No symptom checked: the race alone
// shows it.
void message_after_promise();
// The message is written before the promise is fulfilled. The reader may sleep in the futex inside
// libstdc++.so; its instrumented acquire load after waking orders it after the write.
void message_after_promise_twin();

// The only order between writer and reader is a raw futex: the reader waits on a word nobody changes
// until the writer's FUTEX_WAKE reaches it. The writer writes the message after its wake
// (write_after_wake / read_after_wait): a race.
void message_after_futex_wake();
// The message is written before the wake: the wake orders it before the woken reader's read.
void message_after_futex_wake_twin();

}  // namespace weft_test::race
