// capture_stacks on a few threads: blocked ones answer, the caller is unwound directly, threads that
// block the signal, never answer or have exited are reported without a long wait.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <thread>

#include "blocked_threads.hpp"
#include "eventually.hpp"
#include "platform/threads.hpp"

namespace weft::platform {
namespace {

using namespace std::chrono_literals;
using weft::testing::contains;
using weft::testing::eventually;
using weft::testing::gate;
using weft::testing::pipe_pair;
using weft::testing::read_one_byte;
using weft::testing::return_address_of;

bool blocked_in(int tid, blocking_call call) {
  return eventually([&] {
    const auto status = read_task(tid);
    return status && status->call == call;
  });
}

TEST(CaptureStacks, CapturesSeveralBlockedThreadsAtOnce) {
  pipe_pair pipe;
  gate gate;
  constexpr int readers = 2;
  constexpr int waiters = 2;
  std::atomic<int> tids[readers + waiters] = {};
  std::atomic<std::uintptr_t> return_addresses[readers + waiters] = {};
  std::vector<std::thread> threads;
  for (int i = 0; i < readers + waiters; ++i) {
    threads.emplace_back([&, i] {
      tids[i] = current_tid();
      if (i < readers) {
        read_one_byte(pipe.read_end(), return_addresses[i]);
      } else {
        gate.wait(return_addresses[i]);
      }
    });
  }
  std::vector<int> wanted;
  for (int i = 0; i < readers + waiters; ++i) {
    ASSERT_TRUE(eventually([&] { return tids[i] != 0; }));
    ASSERT_TRUE(blocked_in(tids[i], i < readers ? blocking_call::read : blocking_call::futex));
    wanted.push_back(tids[i]);
  }

  const auto stacks = capture_stacks(wanted, 20s);
  pipe.write_bytes(readers);
  gate.open();
  for (auto& thread : threads) thread.join();

  ASSERT_EQ(stacks.size(), wanted.size());
  for (int i = 0; i < readers + waiters; ++i) {
    EXPECT_EQ(stacks[i].unavailable_reason, "") << "thread " << i;
    EXPECT_FALSE(stacks[i].exited) << "thread " << i;
    EXPECT_TRUE(contains(stacks[i].pcs, return_addresses[i])) << "thread " << i;
  }
}

TEST(CaptureStacks, ReportsThreadThatBlocksTheSignalWithoutWaitingForIt) {
  gate gate;
  std::atomic<int> tid{0};
  std::atomic<std::uintptr_t> return_address{0};
  std::thread deaf([&] {
    sigset_t all;
    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, nullptr);
    tid = current_tid();
    gate.wait(return_address);
  });
  ASSERT_TRUE(eventually([&] { return gate.waiting() == 1; }));

  const int wanted[] = {tid};
  const auto start = std::chrono::steady_clock::now();
  const auto stacks = capture_stacks(wanted, 60s);
  const auto elapsed = std::chrono::steady_clock::now() - start;
  gate.open();
  deaf.join();

  ASSERT_EQ(stacks.size(), 1u);
  const std::string expected = "thread blocks signal " + std::to_string(stack_signal()) + " (SigBlk ";
  EXPECT_TRUE(stacks[0].unavailable_reason.starts_with(expected)) << stacks[0].unavailable_reason;
  EXPECT_TRUE(stacks[0].pcs.empty());
  EXPECT_LT(elapsed, 30s) << "waited for a thread that was never signalled";
}

TEST(CaptureStacks, ReportsThreadThatDoesNotAnswerAndIgnoresItsLateAnswer) {
  pipe_pair pipe;
  std::atomic<int> tid{0};
  std::atomic<bool> unblocked{false};
  std::atomic<std::uintptr_t> first_read{0};
  std::atomic<std::uintptr_t> second_read{0};
  std::thread late([&] {
    // Blocking through the raw call blocks glibc's own signals too, which pthread_sigmask refuses:
    // weft then signals the thread anyway and the signal stays pending.
    std::uint64_t all = ~std::uint64_t{0};
    ::syscall(SYS_rt_sigprocmask, SIG_BLOCK, &all, nullptr, sizeof all);
    tid = current_tid();
    read_one_byte(pipe.read_end(), first_read);
    // The pending signal is delivered here, long after its request was given up.
    std::uint64_t none = 0;
    ::syscall(SYS_rt_sigprocmask, SIG_SETMASK, &none, nullptr, sizeof none);
    unblocked = true;
    read_one_byte(pipe.read_end(), second_read);
  });
  ASSERT_TRUE(eventually([&] { return tid != 0; }));
  ASSERT_TRUE(blocked_in(tid, blocking_call::read));
  const int wanted[] = {tid};
  const auto unanswered = capture_stacks(wanted, 100ms);
  pipe.write_bytes(1);
  ASSERT_TRUE(eventually([&] { return unblocked && second_read != 0; }));
  ASSERT_TRUE(blocked_in(tid, blocking_call::read));
  const auto answered = capture_stacks(wanted, 20s);
  pipe.write_bytes(1);
  late.join();

  EXPECT_EQ(unanswered[0].unavailable_reason, "thread did not answer within 100 ms");
  EXPECT_TRUE(unanswered[0].pcs.empty());
  EXPECT_FALSE(unanswered[0].exited);
  EXPECT_EQ(answered[0].unavailable_reason, "");
  EXPECT_TRUE(contains(answered[0].pcs, second_read));
}

// The price of not mistaking a thread still finishing weft's handler for one that blocks the signal:
// a thread that answered and then blocks the signal is signalled once more, and that capture waits
// for it in vain; the next one reports it as blocking.
TEST(CaptureStacks, WaitsOnceForAThreadThatBlocksTheSignalAfterAnswering) {
  pipe_pair pipe;
  gate gate;
  std::atomic<int> tid{0};
  std::atomic<std::uintptr_t> read_return{0};
  std::atomic<std::uintptr_t> wait_return{0};
  std::thread turncoat([&] {
    tid = current_tid();
    read_one_byte(pipe.read_end(), read_return);
    sigset_t all;
    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, nullptr);
    gate.wait(wait_return);
  });
  ASSERT_TRUE(eventually([&] { return tid != 0; }));
  ASSERT_TRUE(blocked_in(tid, blocking_call::read));
  const int wanted[] = {tid};
  const auto answered = capture_stacks(wanted, 20s);
  pipe.write_bytes(1);
  ASSERT_TRUE(eventually([&] { return gate.waiting() == 1; }));
  const auto waited = capture_stacks(wanted, 100ms);
  const auto refused = capture_stacks(wanted, 20s);
  gate.open();
  turncoat.join();

  EXPECT_TRUE(contains(answered[0].pcs, read_return)) << answered[0].unavailable_reason;
  EXPECT_EQ(waited[0].unavailable_reason, "thread did not answer within 100 ms");
  EXPECT_TRUE(refused[0].unavailable_reason.starts_with("thread blocks signal"))
      << refused[0].unavailable_reason;
}

[[gnu::noinline]] int errno_after_read(int fd, std::atomic<std::uintptr_t>& return_address) {
  return_address = return_address_of(__builtin_return_address(0));
  char byte;
  errno = 4242;
  // A successful read leaves errno alone, so anything else was left behind by the signal handler.
  const ssize_t got = ::read(fd, &byte, 1);
  return got == 1 ? errno : -1;
}

TEST(CaptureStacks, PreservesErrnoOfTheInterruptedThread) {
  pipe_pair pipe;
  std::atomic<int> tid{0};
  std::atomic<std::uintptr_t> return_address{0};
  int errno_seen = 0;
  std::thread reader([&] {
    tid = current_tid();
    errno_seen = errno_after_read(pipe.read_end(), return_address);
  });
  ASSERT_TRUE(eventually([&] { return tid != 0; }));
  ASSERT_TRUE(blocked_in(tid, blocking_call::read));
  const int wanted[] = {tid};
  const auto stacks = capture_stacks(wanted, 20s);
  pipe.write_bytes(1);
  reader.join();

  ASSERT_TRUE(contains(stacks[0].pcs, return_address)) << "the handler did not run";
  EXPECT_EQ(errno_seen, 4242);
}

// Documents rather than asserts: SA_RESTART does not restart nanosleep, so a raw nanosleep in the
// captured thread returns early with EINTR (std::this_thread::sleep_for loops on it).
TEST(CaptureStacks, LeavesRawNanosleepInTargetReturningEintrOrCompleting) {
  std::atomic<int> tid{0};
  long result = 0;
  int error = 0;
  std::thread sleeper([&] {
    tid = current_tid();
    const timespec duration{1, 0};
    result = ::syscall(SYS_nanosleep, &duration, nullptr);
    error = errno;
  });
  ASSERT_TRUE(eventually([&] { return tid != 0; }));
  ASSERT_TRUE(blocked_in(tid, blocking_call::sleep));
  const int wanted[] = {tid};
  const auto stacks = capture_stacks(wanted, 20s);
  sleeper.join();

  EXPECT_EQ(stacks[0].unavailable_reason, "");
  EXPECT_TRUE(result == 0 || (result == -1 && error == EINTR)) << result << " errno " << error;
}

[[gnu::noinline]] void capture_own_stack(std::vector<captured_stack>& stacks,
                                         std::uintptr_t& return_address) {
  return_address = return_address_of(__builtin_return_address(0));
  const int self[] = {current_tid()};
  stacks = capture_stacks(self, 1s);
}

TEST(CaptureStacks, UnwindsTheCallerDirectlyFromItsCaller) {
  std::vector<captured_stack> stacks;
  std::uintptr_t return_address = 0;
  capture_own_stack(stacks, return_address);
  ASSERT_EQ(stacks.size(), 1u);
  EXPECT_EQ(stacks[0].unavailable_reason, "");
  // pcs[0] is in capture_own_stack, which called capture_stacks; pcs[1] is in this test.
  ASSERT_GE(stacks[0].pcs.size(), 2u);
  EXPECT_EQ(stacks[0].pcs[1], return_address);
}

TEST(CaptureStacks, MarksThreadThatAlreadyExitedAsExited) {
  std::atomic<int> tid{0};
  std::thread([&] { tid = current_tid(); }).join();
  ASSERT_TRUE(eventually([&] { return !thread_exists(tid); }));
  const int wanted[] = {tid};
  const auto stacks = capture_stacks(wanted, 20s);
  EXPECT_TRUE(stacks[0].exited);
  EXPECT_TRUE(stacks[0].pcs.empty());
}

TEST(CaptureStacks, TakesTheLargestTimeoutWithoutOverflowing) {
  pipe_pair pipe;
  std::atomic<int> tid{0};
  std::atomic<std::uintptr_t> return_address{0};
  std::thread reader([&] {
    tid = current_tid();
    read_one_byte(pipe.read_end(), return_address);
  });
  ASSERT_TRUE(eventually([&] { return tid != 0; }));
  ASSERT_TRUE(blocked_in(tid, blocking_call::read));
  const int wanted[] = {tid};
  const auto stacks = capture_stacks(wanted, std::chrono::milliseconds::max());
  pipe.write_bytes(1);
  reader.join();
  EXPECT_TRUE(contains(stacks[0].pcs, return_address)) << stacks[0].unavailable_reason;
}

TEST(CaptureStacks, ReturnsNothingForNoThreads) {
  EXPECT_TRUE(capture_stacks({}, 1s).empty());
}

TEST(CaptureStacks, LetsConcurrentCallersTakeTurns) {
  gate gate;
  std::atomic<int> tids[2] = {};
  std::atomic<std::uintptr_t> return_addresses[2] = {};
  std::vector<std::thread> waiters;
  for (int i = 0; i < 2; ++i) {
    waiters.emplace_back([&, i] {
      tids[i] = current_tid();
      gate.wait(return_addresses[i]);
    });
  }
  ASSERT_TRUE(eventually([&] { return gate.waiting() == 2; }));
  const int wanted[] = {tids[0], tids[1]};
  std::vector<std::thread> callers;
  for (int c = 0; c < 2; ++c) {
    callers.emplace_back([&] {
      for (int round = 0; round < 20; ++round) {
        const auto stacks = capture_stacks(wanted, 20s);
        for (int i = 0; i < 2; ++i) {
          EXPECT_TRUE(contains(stacks[i].pcs, return_addresses[i]))
              << "round " << round << ", thread " << i << ": " << stacks[i].unavailable_reason;
          // Only the condition variable's few frames lie above gate::wait's caller. A capture that
          // reached the thread inside the handler of the one before would start with that handler's
          // frames, and under load such captures chained until the unwind was cut off at its limit.
          const auto found = std::ranges::find(stacks[i].pcs, return_addresses[i].load());
          EXPECT_LT(found - stacks[i].pcs.begin(), 12) << "round " << round << ", thread " << i;
        }
      }
    });
  }
  for (auto& caller : callers) caller.join();
  gate.open();
  for (auto& waiter : waiters) waiter.join();
}

}  // namespace
}  // namespace weft::platform
