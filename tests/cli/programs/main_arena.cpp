// A program that keeps heap pointers in 32-bit integers, as old code does: it works only when main's
// allocations come from glibc's main arena, the brk heap just above a program that is not position
// independent (below 4 GiB), and not from a secondary arena, mmapped far above. Returns 1, saying
// why, when main's allocation lies elsewhere or main is not on the process's first thread.
#include <sys/syscall.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <thread>

int main() {
  void* block = std::malloc(16);
  const auto address = reinterpret_cast<std::uintptr_t>(block);
  const auto heap_end = reinterpret_cast<std::uintptr_t>(sbrk(0));
  int failures = 0;
  if (address >= heap_end) {
    std::printf("malloc(16) in main returned %p, above the brk heap's end %p: not the main arena\n", block,
                sbrk(0));
    ++failures;
  }
  if (address >= (std::uintptr_t{1} << 32)) {
    std::printf("malloc(16) in main returned %p, which does not fit in 32 bits\n", block);
    ++failures;
  }
  if (syscall(SYS_gettid) != getpid()) {
    std::printf("main runs on thread %ld, not on the process's first thread %d\n", syscall(SYS_gettid),
                static_cast<int>(getpid()));
    ++failures;
  }
  // Something for the schedule to decide, so the runs differ.
  std::mutex lock;
  int total = 0;
  std::thread other([&] {
    std::lock_guard hold(lock);
    ++total;
  });
  {
    std::lock_guard hold(lock);
    ++total;
  }
  other.join();
  std::free(block);
  return failures == 0 && total == 2 ? 0 : 1;
}
