// A program whose worker thread aborts, as a failed assert would: `weft explore` and `weft replay`
// must report the signal and their own replay command.
#include <cstdlib>
#include <mutex>
#include <thread>

int main() {
  std::mutex mutex;
  std::thread worker([&] {
    std::lock_guard lock(mutex);
    std::abort();
  });
  worker.join();
  return 0;
}
