// A program that forgets to stop its worker: the worker waits for a job that never comes.
// weft::verify_main finds it at the end of main and fails the run.
#include <condition_variable>
#include <mutex>
#include <queue>
#include <thread>
#include <weft/weft.hpp>

namespace {

class job_queue {
 public:
  void start() {
    worker_ = std::thread([this] { worker_loop(); });
    pthread_setname_np(worker_.native_handle(), "worker");
  }
  // A correct shutdown would set a flag, notify and join; this program forgets to.
  void forget() { worker_.detach(); }

 private:
  void worker_loop() {
    std::unique_lock lock(mutex_);
    ready_.wait(lock, [this] { return !jobs_.empty(); });
  }

  std::mutex mutex_;
  std::condition_variable ready_;
  std::queue<int> jobs_;
  std::thread worker_;
};

}  // namespace

int main() {
  // Never destroyed: the forgotten worker still waits on its condition variable, and destroying a
  // condition variable with a waiter blocks forever.
  auto* queue = new job_queue;
  {
    weft::test_scope scope("leaky_main.forgets_worker");
    queue->start();
    queue->forget();
  }
  return weft::verify_main(0, weft::options().settle_timeout(std::chrono::milliseconds(100)));
}
