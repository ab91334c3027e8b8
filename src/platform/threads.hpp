// The platform seam: everything weft needs from the operating system about threads. Only
// src/platform/<os>/ implements it; nothing else in weft names /proc, syscalls or signals.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace weft::platform {

[[nodiscard]] int current_tid();

// The calling thread's stack, thread-locals included: [first, last]. Both 0 when unknown.
struct memory_range {
  std::uintptr_t first = 0;
  std::uintptr_t last = 0;
};
[[nodiscard]] memory_range current_thread_stack();

// Appends the tid of every live thread of this process, in ascending order. One directory read.
// Returns false if the list cannot be read at all.
bool list_threads(std::vector<int>& tids);

// How many threads this process has, as the kernel counts them: one fstat of a /proc/self/task kept
// open (its link count is the thread count plus two), no directory read, no allocation after the first
// call. Returns -1 when it cannot tell. A forked child opens its own.
[[nodiscard]] int thread_count();

// Whether `tid` is still a thread of this process. One syscall, no allocation.
[[nodiscard]] bool thread_exists(int tid);

// The blocking system call a thread sits in, in families weft can name.
enum class blocking_call {
  none,   // not in a blocking call (running, or stopped between calls)
  futex,  // any futex wait: mutexes, condition variables, joins, semaphores
  read,
  write,
  poll,
  epoll,
  select,
  sleep,
  accept,
  connect,
  receive,
  send,
  wait_child,
  other,  // a call weft has no word for; syscall_name says which
};

struct task_status {
  std::uint64_t start_time = 0;  // clock ticks since boot
  std::string name;
  char state = '?';      // the /proc state letter
  bool running = false;  // on a CPU or runnable, not blocked in a call
  blocking_call call = blocking_call::none;
  std::string syscall_name;  // "futex", "read", ...; "syscall 123" for unknown numbers; empty for none
  int fd = -1;               // the file descriptor the call waits on, -1 if none
  std::string fd_target;     // what fd refers to: "pipe:[12345]", "socket:[678]", "/tmp/x"
  std::string wchan;         // kernel function the thread sleeps in; may be empty
  std::uint64_t blocked_signals = 0;  // bit n-1 set when signal n is blocked
};

// Reads the status of one thread of this process. nullopt when the thread is gone.
[[nodiscard]] std::optional<task_status> read_task(int tid);

// What one read of /proc/self/task/<tid>/stat tells: enough to count and age a thread without
// signalling it or reading its other files (the census, src/census/).
struct task_brief {
  std::uint64_t start_time = 0;  // clock ticks since boot
  char state = '?';              // the /proc state letter
};

// Reads the stat file of one thread of this process. nullopt when the thread is gone or the file
// cannot be parsed.
[[nodiscard]] std::optional<task_brief> read_task_brief(int tid);

// The time since boot, and a start time (clock ticks since boot) in the same unit: a thread's age is
// their difference. Both zero when the clock cannot be read.
[[nodiscard]] std::chrono::nanoseconds time_since_boot();
[[nodiscard]] std::chrono::nanoseconds since_boot(std::uint64_t start_time);

// The signal weft sends to capture stacks; the first call installs its handler. Throws config_error
// for a malformed WEFT_SIGNAL, std::runtime_error when no real-time signal is free.
[[nodiscard]] int stack_signal();

// The signal WEFT_SIGNAL names, read now; nullopt when it is unset. Throws config_error naming the
// variable and the value when it is not a real-time signal number. The one reader of WEFT_SIGNAL.
[[nodiscard]] std::optional<int> stack_signal_from_environment();

// Blocks the stack signal in the calling thread, if its handler is installed. Called by a thread that
// has left its start routine: what it runs from then on (thread-local destructors, key destructors)
// belongs to no test, and a signal there would only interrupt it (a raw nanosleep returns EINTR). A
// capture sent to it afterwards stays pending until the thread exits, which the capture notices.
void block_stack_signal();

struct captured_stack {
  std::vector<std::uintptr_t>
      pcs;                         // innermost first; pcs[0] is the interrupted pc, the rest return addresses
  std::string unavailable_reason;  // set when pcs could not be captured
  bool exited = false;             // the thread exited before it answered
};

// Captures the stacks of `tids` together: one real-time signal to each, unwound in the handler from
// the signal context into a preallocated slot, then one wait bounded by `timeout`. Returns one result
// per tid, in the same order. Never blocks past the timeout; a thread that blocks the signal is not
// signalled at all. Serialized internally: concurrent callers take turns.
[[nodiscard]] std::vector<captured_stack> capture_stacks(std::span<const int> tids,
                                                         std::chrono::milliseconds timeout);

// Unwinds the calling thread into `pcs` (innermost first), leaving out the `skip` innermost frames
// above the caller of this function. Returns the number of pcs written. No allocation, no lock:
// safe to call in pthread_create's interposer.
int capture_current_stack(std::uintptr_t* pcs, int max, int skip);

// Blocks while `word` still holds `seen`, until woken or `timeout` passes (spurious returns happen).
void wait_for_change(const std::atomic<std::uint32_t>& word, std::uint32_t seen,
                     std::chrono::nanoseconds timeout);
void wake_all(const std::atomic<std::uint32_t>& word);

}  // namespace weft::platform
