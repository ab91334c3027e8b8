// The five classes of deep concurrency bug that issue #17 measured weft against, each as a small
// program beside a correct twin, written with std:: types only: programs.cpp is compiled with
// weft_instrument, so its plain accesses and std::atomic operations are scheduling points, as in the
// programs users test. Each program starts its own threads, joins them and checks its symptom with
// weft::expect (outside a controlled run a failed check throws std::logic_error).
//
// Explore them with races off (race_mode::off): several bugs are data races too, and what these
// programs measure is how soon a strategy reaches the symptom, not the race report.
#pragma once

#include <string_view>

namespace weft_test::deep_bugs {

// Many otherwise identical setters each store a = 1 and then b = -1 (plain stores); a checker reads
// a and then b and expects either both stores or neither. Symptom: the checker saw a setter between
// its two stores. Only a preemption of one setter between its two stores, with the checker run
// right there, shows it (SCTBench's reorder).
void reorder_stores();
// Setters and checker take one mutex around both accesses.
void reorder_stores_twin();

// Twenty initializers each publish in two stages under two mutexes (stage one: a value, stage two: a
// value derived from stage one); a reader, created last, reads both stages. Symptom: the reader ran
// after some initializer's first stage and before every initializer's second stage (SCTBench's
// twostage).
void two_stage_init();
// Each initializer holds the first mutex across both stages; the reader too.
void two_stage_init_twin();

// A work-stealing deque: the owner pushes at the bottom and pops there too, two thieves steal at the
// top, and the last element is claimed under a spinlock. The owner's pop reads top before it
// publishes its decremented bottom, so two steals inside one pop leave it taking an element a thief
// took too. Symptom: an element taken twice.
void steal_inside_pop();
// pop publishes the decremented bottom before it reads top, as Chase and Lev's deque does.
void steal_inside_pop_twin();

// A lock-free (Treiber) stack over a pool of nodes whose top is a bare index: three threads each pop
// two nodes and push them back. A popper that read top A and its next B swings top to B after the
// others popped A and B and pushed A back (ABA). Symptom: a node held by two threads. Needs about
// five preemptions.
void aba_stack();
// The top carries a version that every swing increments, so the stale swing fails.
void aba_stack_twin();

// Kernel-style object lifetimes: a reader looks an object up in a table under the table's lock and
// uses it after the unlock without taking a reference, while a remover unlinks it and drops the last
// reference; a second remover's put decides "last" from a count read outside the lock. The free is a
// flag, so a use after it and a second free fail the run instead of the process. Symptom: use after
// free, or a double free.
void object_lifetime();
// The reader takes a reference under the lock and drops it after its use; puts decrement under the
// lock and decide there.
void object_lifetime_twin();

struct named_program {
  std::string_view name;
  void (*bug)();
  void (*twin)();
};

inline constexpr named_program programs[] = {
    {"reorder_stores", reorder_stores, reorder_stores_twin},
    {"two_stage_init", two_stage_init, two_stage_init_twin},
    {"steal_inside_pop", steal_inside_pop, steal_inside_pop_twin},
    {"aba_stack", aba_stack, aba_stack_twin},
    {"object_lifetime", object_lifetime, object_lifetime_twin},
};

}  // namespace weft_test::deep_bugs
