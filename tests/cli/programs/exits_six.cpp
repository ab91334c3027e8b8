// A correct program whose normal exit code is 6: two threads add under a lock.
#include <mutex>
#include <thread>

int main() {
  std::mutex mutex;
  int total = 0;
  auto add = [&] {
    std::lock_guard lock(mutex);
    ++total;
  };
  std::thread a(add), b(add);
  a.join();
  b.join();
  return total == 2 ? 6 : 1;
}
