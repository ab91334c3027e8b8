// A small thread pool whose jobs are weft tasks: a job is registered when it is queued and unregistered
// once it has run, so a job that is queued and never run shows up in a leak report with the stack that
// submitted it, like a leaked thread would. Under weft::explore the workers are ordinary threads of
// the run, so the jobs they run are scheduled like threads and a race between two jobs can be found
// and replayed.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <utility>
#include <vector>
#include <weft/tasks.hpp>

class task_pool {
 public:
  explicit task_pool(std::size_t workers) {
    for (std::size_t i = 0; i < workers; ++i) workers_.emplace_back([this] { work(); });
  }

  // Joins the workers; jobs still queued (submitted after shutdown) are dropped unrun, and stay
  // registered with weft: a leak check reports them.
  ~task_pool() { shutdown(); }

  task_pool(const task_pool&) = delete;
  task_pool& operator=(const task_pool&) = delete;

  // Queues `job`. Once shutdown() was called nothing runs it any more.
  void submit(std::function<void()> job) {
    const weft::task_id id = weft::register_task("task_pool job");
    std::lock_guard lock(mutex_);
    queue_.push_back({std::move(job), id});
    wake_.notify_one();
  }

  // Runs every job queued so far, then stops and joins the workers. Idempotent.
  void shutdown() {
    {
      std::lock_guard lock(mutex_);
      stopping_ = true;
    }
    wake_.notify_all();
    for (std::thread& worker : workers_) {
      if (worker.joinable()) worker.join();
    }
  }

 private:
  struct queued_job {
    std::function<void()> run;
    weft::task_id id;
  };

  void work() {
    for (;;) {
      queued_job job;
      {
        std::unique_lock lock(mutex_);
        wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
        if (queue_.empty()) return;  // stopping, and everything queued before has run
        job = std::move(queue_.front());
        queue_.pop_front();
      }
      weft::mark_running(job.id);
      job.run();
      weft::unregister_task(job.id);
    }
  }

  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<queued_job> queue_;
  bool stopping_ = false;
  std::vector<std::thread> workers_;
};
