// `task_pool leak`: a job submitted after the pool shut down is never run; verify_main reports it as a
// leaked task, with the stack that submitted it, and exits 1.
// `task_pool race`: two jobs withdraw from one account whose check and debit are two separate critical
// sections; weft::explore schedules the pool's workers and finds the overdraft, and prints the
// WEFT_REPLAY line that replays it.
#include <chrono>
#include <cstdio>
#include <cstring>
#include <mutex>
#include <string>
#include <weft/weft.hpp>

#include "task_pool.hpp"

namespace {

void late_submit() {
  task_pool pool(2);
  pool.submit([] { std::puts("this job runs"); });
  pool.shutdown();
  pool.submit([] { std::puts("this job never runs"); });  // the bug: the pool is already shut down
}

class account {
 public:
  void withdraw(int amount) {
    {
      std::lock_guard lock(mutex_);
      if (balance_ < amount) return;
    }
    std::lock_guard lock(mutex_);  // the bug: the balance may have changed since the check
    balance_ -= amount;
  }
  int balance() {
    std::lock_guard lock(mutex_);
    return balance_;
  }

 private:
  std::mutex mutex_;
  int balance_ = 100;
};

void two_jobs_withdraw() {
  account shared;
  task_pool pool(2);
  pool.submit([&] { shared.withdraw(80); });
  pool.submit([&] { shared.withdraw(80); });
  pool.shutdown();
  weft::expect(shared.balance() >= 0, "overdrawn: balance " + std::to_string(shared.balance()));
}

}  // namespace

int main(int argc, char** argv) {
  if (argc == 2 && std::strcmp(argv[1], "leak") == 0) {
    const auto baseline = weft::options().ignore_current();
    {
      weft::test_scope scope("task_pool.late_submit");
      late_submit();
    }
    return weft::verify_main(0, weft::options(baseline).settle_timeout(std::chrono::milliseconds(100)));
  }
  if (argc == 2 && std::strcmp(argv[1], "race") == 0) {
    const weft::explore_result result = weft::explore(two_jobs_withdraw);
    if (!result.failed()) {
      std::printf("no failing schedule in %zu schedules\n", result.schedules);
      return 0;
    }
    std::printf("found a failing schedule after %zu schedule(s); replay: %s\n", result.schedules,
                result.replay.c_str());
    return 1;
  }
  std::fprintf(stderr, "usage: %s leak|race\n", argv[0]);
  return 2;
}
