// A run of about 200,000 scheduling points with a lost update in it: two threads each increment a
// shared count without a lock, then take a mutex 50,000 times; main checks the count at the end. Its schedule
// is far longer than a terminal line (and than the old format's 128 KiB), so weft must save it to a file and
// replay it from there.
#include <mutex>
#include <string>
#include <thread>
#include <weft/sched.hpp>

int main() {
  std::mutex mutex;
  long total = 0;
  int started = 0;
  auto work = [&] {
    const int seen = started;
    weft::yield_point();
    started = seen + 1;
    for (int i = 0; i < 50'000; ++i) {
      std::lock_guard lock(mutex);
      ++total;
    }
  };
  std::thread a(work), b(work);
  a.join();
  b.join();
  weft::expect(started == 2, "lost update, found after " + std::to_string(total) + " locked increments");
  return 0;
}
