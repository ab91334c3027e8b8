// A bug that needs a particular input and a particular interleaving: two withdrawals of the same
// amount each check the balance, then debit it, under two separate lock acquisitions. The account is
// overdrawn only when the amount is more than half the balance (the data) and both checks run before
// either debit (the schedule). WEFT_OVERDRAFT_FIXED=1 checks and debits under one acquisition.
#include <cstdlib>
#include <mutex>
#include <string>
#include <thread>
#include <weft/libfuzzer.hpp>
#include <weft/sched.hpp>

namespace {

const bool fixed = std::getenv("WEFT_OVERDRAFT_FIXED") != nullptr;

void two_withdrawals(FuzzedDataProvider& data) {
  const int amount = data.ConsumeIntegralInRange(0, 1000);
  int balance = 100;
  std::mutex mutex;
  auto withdraw = [&] {
    if (fixed) {
      std::lock_guard lock(mutex);
      if (balance >= amount) balance -= amount;
      return;
    }
    bool enough = false;
    {
      std::lock_guard lock(mutex);
      enough = balance >= amount;
    }
    if (enough) {
      std::lock_guard lock(mutex);
      balance -= amount;
    }
  };
  std::thread first(withdraw), second(withdraw);
  first.join();
  second.join();
  weft::expect(balance >= 0, "the account was overdrawn: balance " + std::to_string(balance));
}

}  // namespace

WEFT_FUZZ_DATA_AND_SCHEDULES(two_withdrawals)
