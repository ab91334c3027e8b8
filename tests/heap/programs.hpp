// Heap misuse between threads, in code built with weft_instrument (programs.cpp is instrumented, the
// tests are not). Each bug has a correct twin that must pass every schedule.
#pragma once

namespace weft_test::heap {

// Kernel-style lifetime: a reader looks an entry up in a table under its lock and reads it after the
// unlock, while a remover takes it out of the table and deletes it. The reader holds no reference, so
// the delete may come between its lookup and its read: use-after-free in read_entry. The twin counts
// references under the lock, and the last put deletes.
void use_after_free();
void use_after_free_twin();

// The test's own thread reads an entry after the thread it started and joined deleted it: the run
// ends in the test's own thread, which goes on to the end of the test function.
void use_after_free_in_the_test_thread();

// Two owners of one buffer drop it; each checks an atomic flag and then sets it, so both may see it
// unset and both free the buffer in drop_buffer: double-free (and no data race: the flag is atomic).
// The twin sets the flag with one exchange.
void double_free();
void double_free_twin();

// A block freed by one thread and allocated again, at the same address, by another, which writes it:
// ordered only by the allocator, which weft does not see. The block is big enough for glibc to map it
// on its own (and to go back at once past the quarantine's bound), so the second mapping lands where
// the first was. Correct code: no data race may be reported.
void freed_block_reused_by_another_thread();

// Producers allocate nodes and queue them under a lock; consumers take them, read them, delete them
// and count them: nodes allocated by one thread and freed by another all the time, all correctly
// ordered. Correct code: no misuse, no race, and the count is right.
void node_queue();

}  // namespace weft_test::heap
