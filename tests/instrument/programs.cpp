#include "instrument/programs.hpp"

#include <atomic>
#include <mutex>
#include <string>
#include <thread>
#include <weft/sched.hpp>

namespace weft_test::instrumented {

void lost_update() {
  int counter = 0;
  auto increment = [&] { counter = counter + 1; };
  std::thread a(increment), b(increment);
  a.join();
  b.join();
  weft::expect(counter == 2, "lost update: counter is " + std::to_string(counter));
}

void lost_update_locked() {
  int counter = 0;
  std::mutex mutex;
  auto increment = [&] {
    std::lock_guard lock(mutex);
    counter = counter + 1;
  };
  std::thread a(increment), b(increment);
  a.join();
  b.join();
  weft::expect(counter == 2, "lost update: counter is " + std::to_string(counter));
}

void check_then_act() {
  std::atomic<int> claimed{0};
  std::atomic<int> winners{0};
  auto claim = [&] {
    if (claimed.load() == 0) {
      claimed.store(1);
      winners.fetch_add(1);
    }
  };
  std::thread a(claim), b(claim);
  a.join();
  b.join();
  weft::expect(winners.load() == 1, "check-then-act: " + std::to_string(winners.load()) + " winners");
}

void check_then_act_with_compare_exchange() {
  std::atomic<int> claimed{0};
  std::atomic<int> winners{0};
  auto claim = [&] {
    int expected = 0;
    if (claimed.compare_exchange_strong(expected, 1)) winners.fetch_add(1);
  };
  std::thread a(claim), b(claim);
  a.join();
  b.join();
  weft::expect(winners.load() == 1, "check-then-act: " + std::to_string(winners.load()) + " winners");
}

long long mixed_accesses(int rounds) {
  long long plain = 0;
  volatile int noisy = 0;
  std::atomic<long long> shared{0};
  for (int i = 0; i < rounds; ++i) {
    plain += i;
    noisy = noisy + 1;
    shared.fetch_add(i);
    long long expected = shared.load(std::memory_order_acquire);
    shared.compare_exchange_strong(expected, expected + 1);
  }
  return plain + noisy + shared.load();
}

}  // namespace weft_test::instrumented
