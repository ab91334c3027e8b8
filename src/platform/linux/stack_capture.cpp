// Stacks of other threads: each is sent one real-time signal whose handler unwinds the interrupted
// context into a preallocated slot, then the requester waits once, bounded, for all the answers.
//
// A slot's ticket is (generation << 2 | state). The requester moves it to `requested` with a fresh
// generation and sends the slot index and generation in si_value. The handler claims the slot only by
// compare-and-swap from exactly that ticket to `writing`, so a handler that runs after the requester
// gave up (and moved the ticket on) writes nothing; a slot is never reused while its state is `writing`.
//
// The kernel blocks the signal while its handler runs, so a request that reaches a thread still
// finishing the handler for the previous capture waits, and is delivered at the thread's own context
// once the handler returns. Such a thread shows the signal in SigBlk for a moment; a thread whose
// handler ran for the last capture that asked it is therefore signalled even when SigBlk says it
// blocks the signal.
#include <signal.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <system_error>
#include <vector>

#include "platform/linux/proc_parse.hpp"
#include "platform/linux/proc_tasks.hpp"
#include "platform/linux/unwind.hpp"
#include "platform/threads.hpp"
#include "weft/options.hpp"

namespace weft::platform {
namespace {

using namespace std::chrono_literals;

constexpr int max_pcs = 128;
constexpr std::size_t slots_per_chunk = 1024;
constexpr std::size_t max_chunks = 1024;
// si_value holds the slot index in its low bits and the generation above them.
constexpr unsigned index_bits = 20;
static_assert(slots_per_chunk * max_chunks == std::size_t{1} << index_bits);
constexpr std::uint64_t index_mask = (std::uint64_t{1} << index_bits) - 1;
constexpr std::uint64_t generation_mask = (std::uint64_t{1} << (64 - index_bits)) - 1;
// Long enough not to spin, short enough to notice promptly that a signalled thread exited (its
// signal is then discarded and it will never answer).
constexpr auto wait_slice = 10ms;

enum slot_state : std::uint64_t { idle = 0, requested = 1, writing = 2, done = 3 };

constexpr std::uint64_t make_ticket(std::uint64_t generation, slot_state state) {
  return generation << 2 | state;
}
constexpr slot_state state_of(std::uint64_t ticket) {
  return static_cast<slot_state>(ticket & 3);
}

struct slot {
  std::atomic<std::uint64_t> ticket{make_ticket(0, idle)};
  int count = 0;
  std::uintptr_t pcs[max_pcs];
};

// Chunks are allocated on demand and never freed: a handler running late must find a slot, not freed
// memory. Only the requester (under capture_mutex) stores; the handler only loads.
std::atomic<slot*> chunks[max_chunks];
// Bumped by every handler that answered; requesters sleep on it with a futex.
std::atomic<std::uint32_t> answered{0};
std::mutex capture_mutex;
std::uint64_t last_generation = 0;  // guarded by capture_mutex
// Threads whose handler ran for the last capture that asked them, so may not have returned yet;
// sorted, guarded by capture_mutex. Kept across captures of other threads: a concurrent caller's
// capture may come between two captures of the same thread.
std::vector<int> answered_lately;
// A thread that answered and was never asked again stays listed; past this many the list is
// dropped, and a thread still in its handler at that moment is reported as blocking the signal.
constexpr std::size_t max_answered_lately = 4096;
// The stack signal once its handler is installed; 0 before. Read by threads leaving their start
// routine, which must not install anything.
std::atomic<int> installed_signal{0};

void on_stack_signal(int, siginfo_t* info, void* context) {
  const int saved_errno = errno;
  // Only weft's own requests carry a slot: not a kill(), not another process's sigqueue().
  if (info->si_code == SI_QUEUE && info->si_pid == ::getpid()) {
    const auto value = reinterpret_cast<std::uintptr_t>(info->si_value.sival_ptr);
    const std::size_t index = value & index_mask;
    const std::uint64_t generation = value >> index_bits;
    slot* chunk = chunks[index / slots_per_chunk].load(std::memory_order_acquire);
    if (chunk != nullptr) {
      slot& target = chunk[index % slots_per_chunk];
      std::uint64_t expected = make_ticket(generation, requested);
      if (target.ticket.compare_exchange_strong(expected, make_ticket(generation, writing),
                                                std::memory_order_acquire)) {
        target.count = weft_unwind_signal_context(context, target.pcs, max_pcs);
        target.ticket.store(make_ticket(generation, done), std::memory_order_release);
        answered.fetch_add(1, std::memory_order_release);
        wake_all(answered);
      }
    }
  }
  errno = saved_errno;
}

// The first six real-time signals are left alone: libraries and runtimes commonly take the low ones.
int choose_signal() {
  if (const std::optional<int> chosen = stack_signal_from_environment()) return *chosen;
  for (int signal = SIGRTMIN + 6; signal <= SIGRTMAX; ++signal) {
    struct sigaction current {};
    if (::sigaction(signal, nullptr, &current) == 0 && current.sa_handler == SIG_DFL) return signal;
  }
  throw std::runtime_error("weft: every real-time signal from " + std::to_string(SIGRTMIN + 6) + " to " +
                           std::to_string(SIGRTMAX) +
                           " already has a handler; set WEFT_SIGNAL to one weft may take");
}

int install_handler() {
  const int signal = choose_signal();
  // libunwind initializes global state on first use; that must not happen inside the handler. If it
  // cannot be loaded the handler is installed all the same, and capture_stacks says why it has nothing.
  (void)weft_unwind_prepare();
  struct sigaction action {};
  action.sa_sigaction = on_stack_signal;
  // SA_RESTART: a thread interrupted in read() or a condition variable wait carries on as if nothing
  // happened. No SA_ONSTACK: the alternate stack may be small, and the unwinder needs a few KiB.
  // No SA_NODEFER: the handler publishes its answer before it wakes the requester, so the next
  // capture may signal the thread while it is still in that wake-up. Delivered there, the signal
  // would nest: the stack would start with weft's handler frames, and under load a thread could
  // nest once per capture, growing its stack until the unwind was cut at max_pcs before the
  // thread's own frames (or the stack overflowed). Blocked, it is delivered after the handler
  // returns, at the context the thread was really in.
  action.sa_flags = SA_SIGINFO | SA_RESTART;
  sigemptyset(&action.sa_mask);
  if (::sigaction(signal, &action, nullptr) != 0) {
    throw std::system_error(
        errno, std::generic_category(),
        "weft: cannot install the stack capture handler for signal " + std::to_string(signal));
  }
  installed_signal.store(signal);
  return signal;
}

// Under capture_mutex. nullptr once every index is taken.
slot* slot_at(std::size_t index) {
  if (index >= max_chunks * slots_per_chunk) return nullptr;
  std::atomic<slot*>& chunk = chunks[index / slots_per_chunk];
  slot* slots = chunk.load(std::memory_order_relaxed);
  if (slots == nullptr) {
    slots = new slot[slots_per_chunk];
    chunk.store(slots, std::memory_order_release);
  }
  return &slots[index % slots_per_chunk];
}

// now + timeout, without overflowing for timeouts such as milliseconds::max().
std::chrono::steady_clock::time_point deadline_after(std::chrono::milliseconds timeout) {
  const auto now = std::chrono::steady_clock::now();
  const auto room = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::time_point::max() - now);
  return timeout >= room ? std::chrono::steady_clock::time_point::max() : now + timeout;
}

struct request {
  std::size_t result_index;
  int tid;
  std::size_t slot_index;
  slot* target;
  std::uint64_t generation;
};

bool blocks(std::uint64_t mask, int signal) {
  return (mask >> (signal - 1)) & 1;
}

// glibc blocks its own SIGCANCEL (32) only for a moment: while it creates a thread (every signal
// blocked) and while a thread exits (every signal but SIGSETXID). An application cannot block it,
// since pthread_sigmask and sigprocmask drop it from the mask. Such a thread is signalled anyway: the
// signal stays pending until glibc unblocks it, or is discarded when the thread exits, which the wait
// notices.
bool blocked_by_glibc_for_a_moment(std::uint64_t mask) {
  return blocks(mask, 32);
}

// Whether `tid` must not be signalled: it is gone, or it blocks the signal. Fills `result` if so.
// `in_handler_lately`: it answered the last capture that asked it, so a blocked signal may be the
// kernel's own block while that handler finishes; it is signalled then, and the signal waits for the
// handler to return.
bool refuse_signal(int tid, int signal, bool in_handler_lately, captured_stack& result) {
  char buffer[4096];
  const proc_text text = read_task_file(tid, "status", buffer);
  if (means_thread_gone(text.error)) {
    result.exited = true;
    return true;
  }
  // Unreadable or unparsable: the signal is sent, and the bounded wait covers a thread that blocks it.
  const parsed<status_fields> status = parse_status(text.text);
  if (!status.ok()) return false;
  const std::uint64_t mask = status.value->blocked_signals;
  if (!blocks(mask, signal) || blocked_by_glibc_for_a_moment(mask) || in_handler_lately) return false;
  char hex[17];
  std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(mask));
  result.unavailable_reason = "thread blocks signal " + std::to_string(signal) + " (SigBlk " + hex + ")";
  return true;
}

// Returns false, with `result` filled, if the signal could not be queued.
bool send_request(const request& req, int signal, captured_stack& result) {
  req.target->ticket.store(make_ticket(req.generation, requested), std::memory_order_release);
  siginfo_t info;
  std::memset(&info, 0, sizeof info);
  info.si_signo = signal;
  info.si_code = SI_QUEUE;
  info.si_pid = ::getpid();
  info.si_uid = ::getuid();
  const std::uint64_t value = req.generation << index_bits | req.slot_index;
  info.si_value.sival_ptr = reinterpret_cast<void*>(static_cast<std::uintptr_t>(value));
  if (::syscall(SYS_rt_tgsigqueueinfo, ::getpid(), req.tid, signal, &info) == 0) return true;
  const int error = errno;
  // Nothing was queued, so no handler can claim this generation.
  req.target->ticket.store(make_ticket(req.generation, idle), std::memory_order_relaxed);
  if (error == ESRCH) {
    result.exited = true;
  } else if (error == EAGAIN) {
    result.unavailable_reason = "signal queue full (RLIMIT_SIGPENDING reached)";
  } else {
    result.unavailable_reason = "cannot signal thread " + std::to_string(req.tid) +
                                ": rt_tgsigqueueinfo: " + std::strerror(error) + " (errno " +
                                std::to_string(error) + ")";
  }
  return false;
}

// Whether the slot holds an answer; copies it into `result` if so.
bool take_answer(const request& req, captured_stack& result) {
  if (req.target->ticket.load(std::memory_order_acquire) != make_ticket(req.generation, done)) return false;
  const slot& answer = *req.target;
  result.pcs.assign(answer.pcs, answer.pcs + answer.count);
  if (answer.count == 0) result.unavailable_reason = "the interrupted context could not be unwound";
  return true;
}

// Withdraws a request no handler has claimed. False if a handler claimed it first.
bool withdraw(const request& req) {
  std::uint64_t expected = make_ticket(req.generation, requested);
  return req.target->ticket.compare_exchange_strong(expected, make_ticket(req.generation, idle),
                                                    std::memory_order_acq_rel);
}

// Why a live thread may not have answered, when /proc says so cheaply.
std::string state_hint(int tid) {
  char buffer[1024];
  const proc_text text = read_task_file(tid, "stat", buffer);
  const parsed<stat_fields> stat = parse_stat(text.text);
  if (!stat.ok()) return {};
  switch (stat.value->state) {
    case 'D':
      return " (state D, uninterruptible)";
    case 'T':
      return " (state T, stopped)";
    case 't':
      return " (state t, stopped by a debugger)";
    default:
      return {};
  }
}

void give_up(const request& req, std::chrono::milliseconds timeout, captured_stack& result) {
  if (take_answer(req, result)) return;
  if (withdraw(req) && !thread_exists(req.tid)) {
    result.exited = true;
    return;
  }
  // Either withdrawn from a live thread, or its handler is writing right now; the slot then stays
  // `writing` until the handler is done, and is skipped by later captures meanwhile.
  if (take_answer(req, result)) return;
  result.unavailable_reason =
      "thread did not answer within " + std::to_string(timeout.count()) + " ms" + state_hint(req.tid);
}

// A signal sent to a thread that then exits is discarded, so exited threads are found by asking.
void mark_exited(std::vector<request>& pending, std::vector<captured_stack>& results) {
  std::erase_if(pending, [&](const request& req) {
    if (thread_exists(req.tid)) return false;
    captured_stack& result = results[req.result_index];
    if (take_answer(req, result)) return true;
    if (!withdraw(req) && take_answer(req, result)) return true;
    result.exited = true;
    return true;
  });
}

void await_answers(std::vector<request>& pending, std::vector<captured_stack>& results,
                   std::chrono::steady_clock::time_point deadline, std::chrono::milliseconds timeout) {
  bool quiet = false;
  while (!pending.empty()) {
    // Loaded before the slots are checked, so an answer arriving after the check ends the wait.
    const std::uint32_t seen = answered.load(std::memory_order_acquire);
    std::erase_if(pending, [&](const request& req) { return take_answer(req, results[req.result_index]); });
    // While answers keep arriving the rest are probably on their way; look for exits in a lull.
    if (quiet) mark_exited(pending, results);
    if (pending.empty()) break;
    const auto now = std::chrono::steady_clock::now();
    if (now >= deadline) break;
    wait_for_change(answered, seen, std::min<std::chrono::nanoseconds>(wait_slice, deadline - now));
    quiet = answered.load(std::memory_order_acquire) == seen;
  }
  for (const request& req : pending) give_up(req, timeout, results[req.result_index]);
}

// Updates answered_lately for the threads this capture asked: a handler that claimed its slot may
// still be running, with the signal blocked, when the next capture reads SigBlk; a thread that was not
// signalled, or did not answer, is judged by its SigBlk next time. Under capture_mutex.
void remember_answered(std::span<const int> tids, int self, const std::vector<request>& sent) {
  std::vector<int> asked(tids.begin(), tids.end());
  std::erase(asked, self);
  std::ranges::sort(asked);
  std::erase_if(answered_lately, [&](int tid) { return std::ranges::binary_search(asked, tid); });
  if (answered_lately.size() > max_answered_lately) answered_lately.clear();
  for (const request& req : sent) {
    const std::uint64_t ticket = req.target->ticket.load(std::memory_order_acquire);
    if (ticket == make_ticket(req.generation, writing) || ticket == make_ticket(req.generation, done))
      answered_lately.push_back(req.tid);
  }
  std::ranges::sort(answered_lately);
  // std::unique, not std::ranges::unique: clang 14 cannot use libstdc++ 12's ranges::subrange.
  answered_lately.erase(std::unique(answered_lately.begin(), answered_lately.end()), answered_lately.end());
}

}  // namespace

std::optional<int> stack_signal_from_environment() {
  const char* text = std::getenv("WEFT_SIGNAL");
  if (text == nullptr) return std::nullopt;
  const char* end = text + std::strlen(text);
  int signal = 0;
  auto [stop, error] = std::from_chars(text, end, signal);
  if (error != std::errc{} || stop != end || *text == '\0' || signal < SIGRTMIN || signal > SIGRTMAX) {
    throw config_error("weft: WEFT_SIGNAL must be a real-time signal number from " +
                       std::to_string(SIGRTMIN) + " to " + std::to_string(SIGRTMAX) + "; got \"" +
                       std::string(text) + "\"");
  }
  return signal;
}

void block_stack_signal() {
  const int signal = installed_signal.load();
  if (signal == 0) return;
  sigset_t blocked;
  sigemptyset(&blocked);
  sigaddset(&blocked, signal);
  ::pthread_sigmask(SIG_BLOCK, &blocked, nullptr);
}

int stack_signal() {
  static const int signal = install_handler();
  return signal;
}

std::vector<captured_stack> capture_stacks(std::span<const int> tids, std::chrono::milliseconds timeout) {
  std::vector<captured_stack> results(tids.size());
  if (tids.empty()) return results;
  const int signal = stack_signal();
  if (const char* error = weft_unwind_error()) {
    for (captured_stack& result : results) result.unavailable_reason = std::string("no unwinder: ") + error;
    return results;
  }
  const std::lock_guard lock(capture_mutex);
  const auto deadline = deadline_after(timeout);
  const int self = current_tid();
  std::vector<request> pending;
  pending.reserve(tids.size());
  std::size_t next_slot = 0;
  for (std::size_t i = 0; i < tids.size(); ++i) {
    captured_stack& result = results[i];
    if (tids[i] == self) {
      // Called here, in this function's own body, so that pcs[0] is in capture_stacks' caller.
      result.pcs.resize(max_pcs);
      result.pcs.resize(static_cast<std::size_t>(weft_unwind_here(result.pcs.data(), max_pcs, 0)));
      continue;
    }
    if (refuse_signal(tids[i], signal, std::ranges::binary_search(answered_lately, tids[i]), result))
      continue;
    slot* target = slot_at(next_slot);
    // A slot whose late handler is still writing is left to it.
    while (target != nullptr && state_of(target->ticket.load(std::memory_order_acquire)) == writing) {
      target = slot_at(++next_slot);
    }
    if (target == nullptr) {
      result.unavailable_reason =
          "more than " + std::to_string(max_chunks * slots_per_chunk) + " threads in one capture";
      continue;
    }
    last_generation = (last_generation + 1) & generation_mask;
    const request req{i, tids[i], next_slot++, target, last_generation};
    if (send_request(req, signal, result)) pending.push_back(req);
  }
  const std::vector<request> sent = pending;
  await_answers(pending, results, deadline, timeout);
  remember_answered(tids, self, sent);
  return results;
}

[[gnu::noinline]] int capture_current_stack(std::uintptr_t* pcs, int max, int skip) {
  // weft_unwind_here leaves out itself and this function; skip + 1 more leaves out our caller too.
  const int written = weft_unwind_here(pcs, max, std::max(skip, 0) + 1);
  // Code after the call keeps it from becoming a tail call, which would take this function's frame
  // off the stack and shift every pc by one.
  asm volatile("" ::: "memory");
  return written;
}

}  // namespace weft::platform
