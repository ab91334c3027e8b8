// Built with weft_instrument: main returns while two detached workers still have to run, and one of
// them crashes (SIGSEGV) when it runs after main cleared the pointer it uses. The other is still
// runnable then, so the crash guard's own copies and allocations would meet a choice between two
// threads if they reached the scheduler: weft must keep its own work out of the run.
#include <atomic>
#include <cstring>
#include <thread>

namespace {

int value = 1;
std::atomic<int*> target{&value};
std::atomic<int> counter{0};
const char message[] = "the worker ran after main returned";

}  // namespace

int main() {
  std::thread([] {
    char copy[sizeof message];
    std::memcpy(copy, message, sizeof copy);
    int* where = target.load();
    if (where == nullptr) *static_cast<volatile int*>(nullptr) = copy[0];
  }).detach();
  std::thread([] {
    for (int i = 0; i < 20; ++i) counter.fetch_add(1);
  }).detach();
  target.store(nullptr);
  return 0;
}
