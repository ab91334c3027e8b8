// Under weft::explore the example pool's workers are threads of the run, so the jobs they run are
// scheduled like threads: a check-then-act race between two jobs is found, and its schedule replays.
#include <gtest/gtest.h>

#include <mutex>
#include <string>
#include <weft/weft.hpp>

#include "task_pool/task_pool.hpp"

namespace {

class account {
 public:
  explicit account(bool atomic_withdraw) : atomic_withdraw_(atomic_withdraw) {}

  void withdraw(int amount) {
    if (atomic_withdraw_) {
      std::lock_guard lock(mutex_);
      if (balance_ >= amount) balance_ -= amount;
      return;
    }
    {
      std::lock_guard lock(mutex_);
      if (balance_ < amount) return;
    }
    std::lock_guard lock(mutex_);
    balance_ -= amount;
  }
  int balance() {
    std::lock_guard lock(mutex_);
    return balance_;
  }

 private:
  const bool atomic_withdraw_;
  std::mutex mutex_;
  int balance_ = 100;
};

void two_jobs_withdraw(bool atomic_withdraw) {
  account shared(atomic_withdraw);
  task_pool pool(2);
  pool.submit([&] { shared.withdraw(80); });
  pool.submit([&] { shared.withdraw(80); });
  pool.shutdown();
  weft::expect(shared.balance() >= 0, "overdrawn: balance " + std::to_string(shared.balance()));
}

TEST(PoolRace, FindsTheRaceBetweenTwoJobsAndReplaysIt) {
  const auto options = weft::explore_options().iterations(2000).quiet();
  const weft::explore_result found = weft::explore([] { two_jobs_withdraw(false); }, options);
  ASSERT_EQ(found.kind, weft::explore_result::failure::user_check) << found.report;
  EXPECT_FALSE(found.uncontrolled) << found.report;
  ASSERT_FALSE(found.replay.empty());
  EXPECT_NE(found.report.find("overdrawn: balance -60"), std::string::npos) << found.report;

  for (int i = 0; i < 10; ++i) {
    const weft::explore_result again = weft::replay(
        found.replay, [] { two_jobs_withdraw(false); }, options);
    EXPECT_EQ(again.kind, weft::explore_result::failure::user_check) << "replay " << i << "\n"
                                                                     << again.report;
    EXPECT_FALSE(again.diverged) << again.divergence;
  }
}

TEST(PoolRace, StaysSilentWhenTheCheckAndTheDebitAreOneCriticalSection) {
  const weft::explore_result result =
      weft::explore([] { two_jobs_withdraw(true); }, weft::explore_options().iterations(300).quiet());
  EXPECT_FALSE(result.failed()) << result.report;
  EXPECT_FALSE(result.uncontrolled) << result.report;
}

}  // namespace
