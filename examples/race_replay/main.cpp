// An account whose withdraw() checks the balance under the lock, lets go of it, and takes it again to
// debit: two withdrawals can both pass the check and overdraw the account. Every step is correct on
// its own and the bug needs one particular interleaving, so plain runs of the test almost never show it.
//
// weft::explore runs the test under controlled schedules until one fails, and prints a WEFT_REPLAY
// line; running this program again with that variable set replays exactly the failing schedule.
#include <cstdio>
#include <mutex>
#include <thread>
#include <weft/sched.hpp>

namespace {

class account {
 public:
  explicit account(int balance) : balance_(balance) {}

  bool withdraw(int amount) {
    {
      std::lock_guard lock(mutex_);
      if (balance_ < amount) return false;
    }
    // The bug: the lock is released between the check and the debit.
    std::lock_guard lock(mutex_);
    balance_ -= amount;
    return true;
  }

  int balance() {
    std::lock_guard lock(mutex_);
    return balance_;
  }

 private:
  std::mutex mutex_;
  int balance_;
};

void two_withdrawals() {
  account shared(100);
  std::thread alice([&] { shared.withdraw(80); });
  std::thread bob([&] { shared.withdraw(80); });
  alice.join();
  bob.join();
  weft::expect(shared.balance() >= 0,
               "the account was overdrawn: balance " + std::to_string(shared.balance()));
}

}  // namespace

int main() {
  const weft::explore_result result =
      weft::explore(two_withdrawals, weft::explore_options().iterations(1000));
  if (!result.failed()) {
    std::printf("no failing schedule in %zu schedules\n", result.schedules);
    return 0;
  }
  // The report (with every thread's stack and the WEFT_REPLAY line) went to stderr.
  std::printf("%s after %zu schedule(s); replay: %s\n",
              result.replay.empty() ? "failure" : "found a failing schedule", result.schedules,
              result.replay.c_str());
  return 1;
}
