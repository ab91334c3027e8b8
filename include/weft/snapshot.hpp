// Snapshots of the live threads of this process: who they are, what they wait for, where they are and
// who created them.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

// libweft exports the public API and hides the rest (docs/architecture.md).
#pragma GCC visibility push(default)
namespace weft {

// One frame of a stack, innermost first. Symbolization is done outside any signal handler, once per
// unique pc, and never fails: a frame weft cannot name keeps an empty `function` and is printed as
// `module+0xoffset`.
struct stack_frame {
  std::uintptr_t pc = 0;             // as captured; for callers this is the return address
  std::string function;              // demangled; empty when no symbol covers pc
  std::string file;                  // source file; empty without debug info
  unsigned line = 0;                 // 0 without debug info
  std::string module;                // path of the ELF object that holds pc; empty when unmapped
  std::uintptr_t module_offset = 0;  // pc relative to the module's load address

  // "function at file:line", "function  (module)" or "module+0xoffset", whichever is the most precise.
  [[nodiscard]] std::string location() const;
};

// A stack, innermost frame first. Either frames were captured, or `unavailable_reason` says why not
// ("thread blocks signal 40", "thread did not answer within 1000 ms"); never both.
struct stack_trace {
  std::vector<stack_frame> frames;
  std::string unavailable_reason;

  [[nodiscard]] bool available() const { return unavailable_reason.empty(); }
};

// A thread's identity survives tid reuse: the kernel never gives the same tid and start time to two
// threads of one process.
struct thread_identity {
  int tid = 0;
  std::uint64_t start_time = 0;  // clock ticks since boot, as in /proc/<pid>/task/<tid>/stat

  // Spelled out rather than defaulted: the headers compile as C++17.
  friend bool operator==(const thread_identity& a, const thread_identity& b) {
    return a.tid == b.tid && a.start_time == b.start_time;
  }
  friend bool operator!=(const thread_identity& a, const thread_identity& b) { return !(a == b); }
};

// Where a thread came from.
struct creation_record {
  enum class origin {
    pthread_create,      // weft's pthread_create saw it; `stack` and `test` are known
    before_weft_loaded,  // it was alive when weft was loaded
    unseen,              // created later by a path weft does not intercept (raw clone, for example)
    register_task,       // a task (weft/tasks.hpp): `stack` is where it was registered; `test` is known
  };
  origin how = origin::unseen;
  std::string test;     // the weft::test_scope active when it was created; empty outside any test
  stack_trace stack;    // the pthread_create call, innermost first, with weft's own frames removed
  stack_frame creator;  // the first frame of `stack` outside the C and C++ runtimes: "Pool::start()"
  int creator_tid = 0;  // the thread that called pthread_create
};

// One live thread as seen at snapshot time.
struct thread_info {
  thread_identity id;
  std::string name;         // the kernel's name for it (pthread_setname_np), at most 15 characters
  char kernel_state = '?';  // /proc state letter: R running, S sleeping, D disk wait, T stopped, ...
  // What the thread is doing, in words: "running", "condition_variable wait", "mutex lock",
  // "futex wait", "sleep", "read(fd 7: pipe:[12345])", "poll", "epoll_wait", ...
  std::string state;
  stack_trace stack;
  creation_record created;
};

// A task is a unit of work that is not a thread: a coroutine frame, a job queued on an executor. Runtimes
// register them through weft/tasks.hpp; snapshots and leak checks report them beside threads.
enum class task_state {
  created,    // registered, never run yet (a lazy coroutine, a queued job)
  running,    // some thread is running it now
  suspended,  // it stopped at `suspended_at` and waits to be resumed
  done,       // it finished, but its owner never unregistered it (a coroutine frame never destroyed)
};

// "not started", "running", "suspended", "finished but never destroyed".
[[nodiscard]] const char* describe(task_state state);

// One task of an async stack: the chain of tasks awaiting each other.
struct async_frame {
  std::uint64_t task_id = 0;
  std::string name;
  task_state state = task_state::created;
  stack_frame site;  // where it is suspended (function, file, line); empty unless suspended
};

// One live task as seen at snapshot time.
struct task_info {
  std::uint64_t id = 0;  // 1-based, increases in registration order, never reused
  std::string name;      // as registered; a coroutine's is its function's name
  task_state state = task_state::created;
  stack_frame suspended_at;  // empty unless state is suspended
  // This task, then the task awaiting it, then the one awaiting that, ...: innermost first. Never
  // empty: async_stack.front() is this task.
  std::vector<async_frame> async_stack;
  creation_record created;  // origin::register_task; `creator_tid` is the registering thread
};

struct snapshot_options {
  // The calling thread is left out unless this is set; its stack is then unwound directly.
  bool include_caller = false;
  // The one bounded wait for every signalled thread to answer. A thread that has not answered by
  // then is reported with `stack unavailable`, and the snapshot returns.
  std::chrono::milliseconds stack_timeout{1000};
};

struct snapshot {
  std::vector<thread_info> threads;  // in tid order
  std::vector<task_info> tasks;      // every registered live task, in id order

  // Every thread, then every task, with its stack and creation record, rendered as in a leak report
  // with full stacks (options::full_stacks): a snapshot is taken to see everything, weft's frames too.
  [[nodiscard]] std::string text() const;
};

// Returns every live thread of the process (except the caller, unless options say otherwise) with its
// state, symbolized stack and creation record, and every registered task (weft/tasks.hpp).
//
// Blocks at most `stack_timeout` waiting for stacks, plus the time to read /proc and symbolize. Each
// thread is sent one real-time signal (see docs/troubleshooting.md: a raw nanosleep, poll or epoll_wait
// in that thread returns EINTR). A thread that blocks the signal or does not answer comes back with its
// `unavailable_reason` set; a thread that exits during the snapshot, or has already left its start
// routine (it is running its thread-local destructors on its way out), is left out and not signalled.
// Thread-safe; may be called from any thread, but not from a signal handler. Throws config_error for a
// malformed WEFT_* environment variable (check_environment), std::system_error if /proc/self/task
// cannot be read at all.
[[nodiscard]] snapshot take_snapshot(const snapshot_options& options = {});

}  // namespace weft
#pragma GCC visibility pop
