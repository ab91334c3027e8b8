// The futex operations one by one, through syscall() as libstdc++ and abseil make them: what a wait
// returns, what a wake counts, bitsets, requeues, FUTEX_WAKE_OP and timeouts in virtual time.
#include <linux/futex.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <climits>
#include <cstdint>
#include <ctime>
#include <limits>
#include <thread>

#include "support/twin_verdicts.hpp"

namespace {

using failure = weft::explore_result::failure;

long futex(std::uint32_t* word, int op, std::uint32_t value, const timespec* timeout = nullptr,
           std::uint32_t* word2 = nullptr, std::uint32_t value3 = 0) {
  return syscall(SYS_futex, word, op, value, timeout, word2, value3);
}

long futex_count(std::uint32_t* word, int op, std::uint32_t value, long value2, std::uint32_t* word2,
                 std::uint32_t value3) {
  return syscall(SYS_futex, word, op, value, value2, word2, value3);
}

// Returns once `count` threads that counted themselves in `arriving` right before their futex wait are
// in it: a yield gives way until another thread has made progress (docs/scheduler.md), and a counted
// thread's next step is its wait. A sleep would not do: a sleeper may wake before the others got there.
void until_waiting(const std::atomic<int>& arriving, int count) {
  while (arriving.load() < count) sched_yield();
  for (int i = 0; i < count; ++i) sched_yield();
}

weft::explore_result once(const std::function<void()>& program) {
  return weft::explore(program, weft::explore_options().strategy("random").iterations(50).quiet());
}

TEST(RawFutex, WaitOnAChangedValueReturnsEagain) {
  const weft::explore_result result = once([] {
    std::uint32_t word = 1;
    errno = 0;
    weft::expect(futex(&word, FUTEX_WAIT_PRIVATE, 0) == -1 && errno == EAGAIN, "no EAGAIN");
  });
  EXPECT_FALSE(result.failed()) << result.report;
}

// 30 virtual seconds a run: in real time the 50 runs would outlast the test's timeout many times.
TEST(RawFutex, TimeoutsPassInVirtualTime) {
  const weft::explore_result result = once([] {
    std::uint32_t word = 0;
    const timespec ten_seconds{10, 0};
    errno = 0;
    weft::expect(futex(&word, FUTEX_WAIT_PRIVATE, 0, &ten_seconds) == -1 && errno == ETIMEDOUT,
                 "relative wait did not time out");
    timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    const timespec deadline{now.tv_sec + 10, now.tv_nsec};
    errno = 0;
    weft::expect(
        futex(&word, FUTEX_WAIT_BITSET_PRIVATE, 0, &deadline, nullptr, FUTEX_BITSET_MATCH_ANY) == -1 &&
            errno == ETIMEDOUT,
        "absolute wait did not time out");
    clock_gettime(CLOCK_MONOTONIC, &now);
    weft::expect(now.tv_sec >= deadline.tv_sec, "virtual time did not reach the deadline");
    // abseil's timed waits: absolute on CLOCK_REALTIME.
    clock_gettime(CLOCK_REALTIME, &now);
    const timespec wall_deadline{now.tv_sec + 10, now.tv_nsec};
    errno = 0;
    weft::expect(futex(&word, FUTEX_WAIT_BITSET_PRIVATE | FUTEX_CLOCK_REALTIME, 0, &wall_deadline, nullptr,
                       FUTEX_BITSET_MATCH_ANY) == -1 &&
                     errno == ETIMEDOUT,
                 "absolute wait on the real-time clock did not time out");
    clock_gettime(CLOCK_REALTIME, &now);
    weft::expect(now.tv_sec >= wall_deadline.tv_sec, "virtual time did not reach the real-time deadline");
  });
  EXPECT_FALSE(result.failed()) << result.report;
  EXPECT_FALSE(result.uncontrolled);
}

// A deadline too far to count in nanoseconds (as std::future::wait_until(time_point::max()) may pass)
// is no deadline: the waiter waits for the wake.
TEST(RawFutex, FarDeadlinesWaitForTheWake) {
  const weft::explore_result result = once([] {
    std::uint32_t word = 0;
    long waited = -1;
    std::atomic<int> arriving{0};
    std::thread waiter([&] {
      const timespec far{std::numeric_limits<std::time_t>::max(), 0};
      ++arriving;
      waited = futex(&word, FUTEX_WAIT_BITSET_PRIVATE, 0, &far, nullptr, FUTEX_BITSET_MATCH_ANY);
    });
    until_waiting(arriving, 1);
    futex(&word, FUTEX_WAKE_PRIVATE, 1);
    waiter.join();
    weft::expect(waited == 0, "the far deadline passed");
  });
  EXPECT_FALSE(result.failed()) << result.report;
  EXPECT_FALSE(result.uncontrolled);
}

// A wake for bitset 1 leaves the waiter on bitset 2 asleep; the wake for bitset 2 reaches it.
TEST(RawFutex, WakesHonourBitsetsAndCounts) {
  const weft::explore_result result = once([] {
    std::uint32_t word = 0;
    std::atomic<int> arriving{0};
    auto wait_for = [&](std::uint32_t bits) {
      ++arriving;
      weft::expect(futex(&word, FUTEX_WAIT_BITSET_PRIVATE, 0, nullptr, nullptr, bits) == 0, "not woken");
    };
    std::thread one([&] { wait_for(1); });
    std::thread two([&] { wait_for(2); });
    until_waiting(arriving, 2);
    weft::expect(futex(&word, FUTEX_WAKE_BITSET_PRIVATE, INT_MAX, nullptr, nullptr, 4) == 0,
                 "a wake for bitset 4 woke somebody");
    weft::expect(futex(&word, FUTEX_WAKE_BITSET_PRIVATE, INT_MAX, nullptr, nullptr, 1) == 1,
                 "a wake for bitset 1 did not wake exactly its waiter");
    weft::expect(futex(&word, FUTEX_WAKE_BITSET_PRIVATE, INT_MAX, nullptr, nullptr, 1) == 0,
                 "the bitset-1 waiter was woken twice");
    weft::expect(futex(&word, FUTEX_WAKE_PRIVATE, 1) == 1, "a plain wake did not reach the bitset-2 waiter");
    one.join();
    two.join();
  });
  EXPECT_FALSE(result.failed()) << result.report;
  EXPECT_FALSE(result.uncontrolled);
}

// Two waiters on `from`; a requeue wakes one and moves the other to `to`, where a plain wake finds it.
TEST(RawFutex, RequeueMovesWaitersToTheSecondWord) {
  const weft::explore_result result = once([] {
    std::uint32_t from = 0;
    std::uint32_t to = 0;
    std::atomic<int> arriving{0};
    auto waiter = [&] {
      ++arriving;
      futex(&from, FUTEX_WAIT_PRIVATE, 0);
    };
    std::thread one(waiter), two(waiter);
    until_waiting(arriving, 2);
    weft::expect(futex_count(&from, FUTEX_CMP_REQUEUE_PRIVATE, 1, 1, &to, 1) == -1 && errno == EAGAIN,
                 "CMP_REQUEUE ignored a changed value");
    weft::expect(futex_count(&from, FUTEX_CMP_REQUEUE_PRIVATE, 1, 1, &to, 0) == 2,
                 "CMP_REQUEUE did not count one woken and one moved");
    weft::expect(futex(&from, FUTEX_WAKE_PRIVATE, INT_MAX) == 0, "a waiter stayed on the first word");
    weft::expect(futex(&to, FUTEX_WAKE_PRIVATE, INT_MAX) == 1, "the moved waiter is not on the second word");
    one.join();
    two.join();
  });
  EXPECT_FALSE(result.failed()) << result.report;
  EXPECT_FALSE(result.uncontrolled);
}

// FUTEX_WAKE_OP adds to the second word and wakes its waiter only when the old value compared true.
TEST(RawFutex, WakeOpChangesTheSecondWordAndWakesOnTheComparison) {
  const weft::explore_result result = once([] {
    std::uint32_t first = 0;
    std::uint32_t second = 5;
    std::atomic<int> arriving{0};
    std::thread waiter([&] {
      ++arriving;
      while (__atomic_load_n(&second, __ATOMIC_SEQ_CST) == 5) futex(&second, FUTEX_WAIT_PRIVATE, 5);
    });
    until_waiting(arriving, 1);
    // old == 4? no: add 1, wake nobody on the second word.
    weft::expect(futex_count(&first, FUTEX_WAKE_OP_PRIVATE, 1, 1, &second,
                             FUTEX_OP(FUTEX_OP_ADD, 0, FUTEX_OP_CMP_EQ, 4)) == 0,
                 "woke on a false comparison");
    __atomic_store_n(&second, 5, __ATOMIC_SEQ_CST);
    // old == 5: set to 6, wake the waiter.
    weft::expect(futex_count(&first, FUTEX_WAKE_OP_PRIVATE, 1, 1, &second,
                             FUTEX_OP(FUTEX_OP_SET, 6, FUTEX_OP_CMP_EQ, 5)) == 1,
                 "did not wake on a true comparison");
    weft::expect(__atomic_load_n(&second, __ATOMIC_SEQ_CST) == 6, "the operation was not applied");
    waiter.join();
  });
  EXPECT_FALSE(result.failed()) << result.report;
  EXPECT_FALSE(result.uncontrolled);
}

#ifdef SYS_futex_waitv
// A futex_waitv waiter on two words is woken by a wake on the second, returns its index, and leaves
// the first word's queue; a changed value returns EAGAIN; a deadline passes in virtual time.
TEST(RawFutex, WaitvWakesOnAnyWordAndSaysWhich) {
  const weft::explore_result result = once([] {
    std::uint32_t words[2] = {0, 0};
    constexpr std::uint32_t size_32 = 2;
    futex_waitv waiters[2] = {};
    for (int index = 0; index < 2; ++index) {
      waiters[index].uaddr = reinterpret_cast<std::uintptr_t>(&words[index]);
      waiters[index].flags = size_32 | FUTEX_PRIVATE_FLAG;
    }
    long woken_index = -1;
    std::atomic<int> arriving{0};
    std::thread waiter([&] {
      ++arriving;
      woken_index = syscall(SYS_futex_waitv, waiters, 2, 0, nullptr, CLOCK_MONOTONIC);
    });
    until_waiting(arriving, 1);
    weft::expect(futex(&words[1], FUTEX_WAKE_PRIVATE, 1) == 1, "the wake on the second word found nobody");
    waiter.join();
    weft::expect(woken_index == 1, "futex_waitv did not say the second word woke it");
    weft::expect(futex(&words[0], FUTEX_WAKE_PRIVATE, 1) == 0, "the waiter stayed in the first word's queue");

    words[0] = 7;
    errno = 0;
    weft::expect(syscall(SYS_futex_waitv, waiters, 2, 0, nullptr, CLOCK_MONOTONIC) == -1 && errno == EAGAIN,
                 "a changed word did not return EAGAIN");
    words[0] = 0;
    timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    const timespec deadline{now.tv_sec + 10, now.tv_nsec};
    errno = 0;
    weft::expect(
        syscall(SYS_futex_waitv, waiters, 2, 0, &deadline, CLOCK_REALTIME) == -1 && errno == ETIMEDOUT,
        "the deadline did not pass");
  });
  EXPECT_FALSE(result.failed()) << result.report;
  EXPECT_FALSE(result.uncontrolled);
}
#endif

// Waiters nobody will wake: a deadlock, reported with the futex they wait on.
TEST(RawFutex, WaitersNobodyWakesAreADeadlock) {
  const weft::explore_result result = once([] {
    std::uint32_t word = 0;
    std::thread waiter([&] { futex(&word, FUTEX_WAIT_PRIVATE, 0); });
    waiter.join();
  });
  EXPECT_EQ(result.kind, failure::deadlock) << result.report;
  EXPECT_NE(result.report.find("futex_wait"), std::string::npos) << result.report;
}

}  // namespace
