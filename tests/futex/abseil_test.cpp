// Debian's abseil, whose Mutex, CondVar and Notification wait through syscall(SYS_futex) in
// libabsl_synchronization.so: a contended absl::Mutex and an absl::Notification under control.
#include <absl/synchronization/mutex.h>
#include <absl/synchronization/notification.h>

#include <atomic>
#include <thread>

#include "support/twin_verdicts.hpp"

namespace {

using failure = weft::explore_result::failure;

// Two withdrawals from an account that covers one. The buggy one checks the balance in one locked
// region and takes the money in another; the yield inside each region makes the lock contended.
void withdrawals(bool in_one_region) {
  absl::Mutex guard;
  int balance = 50;
  auto withdraw = [&] {
    if (in_one_region) {
      absl::MutexLock lock(&guard);
      std::this_thread::yield();
      if (balance >= 50) balance -= 50;
      return;
    }
    bool covered = false;
    {
      absl::MutexLock lock(&guard);
      std::this_thread::yield();
      covered = balance >= 50;
    }
    if (covered) {
      absl::MutexLock lock(&guard);
      balance -= 50;
    }
  };
  std::thread other(withdraw);
  withdraw();
  other.join();
  absl::MutexLock lock(&guard);
  weft::expect(balance >= 0, "the account was overdrawn");
}

TEST(AbseilMutex, CheckThenActAcrossTwoRegionsIsFound) {
  weft_test::found_and_replayed([] { withdrawals(false); }, failure::user_check, 200);
}

TEST(AbseilMutex, CheckAndActInOneRegionPassEveryStrategy) {
  weft_test::passes_every_strategy([] { withdrawals(true); });
}

// A consumer waits for a notification and then reads a value the producer writes: after notifying in
// the buggy producer.
void notification_program(bool written_first) {
  absl::Notification published;
  std::atomic<int> value{0};
  std::thread producer([&] {
    if (written_first) value.store(42);
    published.Notify();
    std::this_thread::yield();
    if (!written_first) value.store(42);
  });
  published.WaitForNotification();
  const int seen = value.load();
  producer.join();
  weft::expect(seen == 42, "read before it was published");
}

TEST(AbseilNotification, ValueWrittenAfterNotifyingIsFound) {
  weft_test::found_and_replayed([] { notification_program(false); }, failure::user_check, 200);
}

TEST(AbseilNotification, ValueWrittenBeforeNotifyingPassesEveryStrategy) {
  weft_test::passes_every_strategy([] { notification_program(true); });
}

}  // namespace
