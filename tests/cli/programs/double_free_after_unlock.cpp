// Two owners of one heap buffer, each dropping its reference; the last one frees it. The first owner
// reads the count again after its unlock, so when the second drops its reference (and frees) in
// between, both free: glibc aborts with "double free or corruption". A plain program that knows
// nothing of weft; only a scheduling point after the unlock can reach the bug.
#include <mutex>
#include <thread>

namespace {

struct shared_buffer {
  std::mutex lock;
  int owners = 2;
  // Too large for glibc's per-thread caches, so the second free meets the first's bookkeeping in
  // the arena and aborts, whichever thread frees.
  char* bytes = new char[64 * 1024];
};

}  // namespace

int main() {
  shared_buffer shared;
  // Keeps the buffer from bordering the arena's free top, so its free leaves it in a bin.
  char* const after = new char[64];
  std::thread first([&] {
    {
      std::lock_guard lock(shared.lock);
      --shared.owners;
    }
    if (shared.owners == 0) delete[] shared.bytes;
  });
  std::thread second([&] {
    std::lock_guard lock(shared.lock);
    if (--shared.owners == 0) delete[] shared.bytes;
  });
  first.join();
  second.join();
  delete[] after;
  return 0;
}
