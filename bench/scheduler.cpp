// The controlled scheduler's speed.
// - Hand-off latency: two threads of a controlled run call weft::yield_point in turn; each time the
//   baton passes, the time from one thread entering the point to the other resuming is one sample.
//   Baselines: the same ping-pong natively, through a mutex and condition variable, and through one
//   futex word with both threads pinned to one CPU (the floor for waking one thread from another).
// - Cost per scheduling point with 2, 8 and 64 threads, each calling weft::yield_point in a loop in one
//   controlled run: the wall time of the run over its points. How many of those points switch threads
//   is the strategy's choice, and grows with the thread count, so the run's context switches are
//   counted too (getrusage): the cost per switch is what an O(1) hand-off keeps flat.
// - The same for a token ring: each thread waits on its own semaphore and posts the next one's, so
//   at most two threads can run at any time however many there are: no per-point work may grow with
//   the threads that only wait.
// - Schedules per second of bench::counter_test (2 threads x 25 steps, 8 threads x 25 steps) under
//   weft::explore with the random strategy, against the same test run natively back to back.
// - Schedules per second of a two-worker pool that runs 4 jobs and hands each result back through a
//   std::future (libstdc++ waits on a futex, which weft models), against the same pool handing results
//   back through a std::mutex and std::condition_variable.
// Controlled and native measurements alternate in blocks of equal duration.
//
// Usage: bench_scheduler <repetitions> <block ms>. Prints "name<TAB>value" lines.
#include <linux/futex.h>
#include <pthread.h>
#include <sched.h>
#include <semaphore.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <deque>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "counter_test.hpp"
#include "weft/sched.hpp"

namespace {

using clock_type = std::chrono::steady_clock;

double median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  const std::size_t n = values.size();
  return n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

double ns_since(clock_type::time_point start) {
  return std::chrono::duration<double, std::nano>(clock_type::now() - start).count();
}

// Inside a controlled run weft answers clock_gettime with virtual time, so the hand-off samples read
// the real clock through the system call itself, natively as well to compare like with like.
double real_ns() {
  timespec now{};
  syscall(SYS_clock_gettime, CLOCK_MONOTONIC, &now);
  return static_cast<double>(now.tv_sec) * 1e9 + static_cast<double>(now.tv_nsec);
}

constexpr int ping_pong_rounds = 500;

// Hand-offs inside one controlled run. The run serializes the two threads, so the shared fields need
// no lock: only the thread holding the baton touches them.
std::vector<double> controlled_handoffs() {
  std::vector<double> samples;
  samples.reserve(2 * ping_pong_rounds);
  const weft::explore_result result = weft::explore(
      [&] {
        int last_thread = -1;
        double last_entry = 0;
        auto player = [&](int me) {
          for (int i = 0; i < ping_pong_rounds; ++i) {
            last_thread = me;
            last_entry = real_ns();
            weft::yield_point();
            if (last_thread != me) samples.push_back(real_ns() - last_entry);
          }
        };
        std::thread a(player, 0), b(player, 1);
        a.join();
        b.join();
      },
      weft::explore_options().strategy("random").iterations(1).quiet());
  if (result.failed() || result.uncontrolled) {
    std::fprintf(stderr, "bench_scheduler: the ping-pong run did not complete cleanly:\n%s\n",
                 result.report.c_str());
    std::exit(1);
  }
  return samples;
}

std::vector<double> native_handoffs() {
  std::vector<double> samples;
  samples.reserve(2 * ping_pong_rounds);
  std::mutex mutex;
  std::condition_variable turn_changed;
  int turn = 0;
  double passed_at = 0;
  auto player = [&](int me) {
    for (int i = 0; i < ping_pong_rounds; ++i) {
      std::unique_lock lock(mutex);
      turn_changed.wait(lock, [&] { return turn == me; });
      if (i > 0 || me == 1) samples.push_back(real_ns() - passed_at);
      turn = 1 - me;
      passed_at = real_ns();
      turn_changed.notify_one();
    }
  };
  std::thread a(player, 0), b(player, 1);
  a.join();
  b.join();
  return samples;
}

// The floor: the same ping-pong through one futex word, both threads pinned to CPU 0 as a controlled
// run's threads effectively are (one runs at a time).
std::vector<double> pinned_futex_handoffs() {
  std::vector<double> samples;
  samples.reserve(2 * ping_pong_rounds);
  std::atomic<std::uint32_t> turn{0};
  double passed_at = 0;
  auto player = [&](std::uint32_t me) {
    cpu_set_t one_cpu;
    CPU_ZERO(&one_cpu);
    CPU_SET(0, &one_cpu);
    pthread_setaffinity_np(pthread_self(), sizeof one_cpu, &one_cpu);
    for (int i = 0; i < ping_pong_rounds; ++i) {
      while (turn.load(std::memory_order_acquire) != me)
        syscall(SYS_futex, &turn, FUTEX_WAIT_PRIVATE, 1 - me, nullptr, nullptr, 0);
      if (i > 0 || me == 1) samples.push_back(real_ns() - passed_at);
      passed_at = real_ns();
      turn.store(1 - me, std::memory_order_release);
      syscall(SYS_futex, &turn, FUTEX_WAKE_PRIVATE, 1, nullptr, nullptr, 0);
    }
  };
  std::thread a(player, 0), b(player, 1);
  a.join();
  b.join();
  return samples;
}

// Context switches of every thread of the process so far, exited ones included.
long context_switches() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_nvcsw + usage.ru_nivcsw;
}

struct run_cost {
  double ns_per_step = 0;
  double switches_per_step = 0;
  double ns_per_switch = 0;
};

// One controlled run of `test`, which takes `steps` steps: its wall time and context switches per step.
run_cost controlled_run_cost(const char* what, int threads, int steps, const std::function<void()>& test) {
  const long switches_before = context_switches();
  const auto start = clock_type::now();
  const weft::explore_result result =
      weft::explore(test, weft::explore_options().strategy("random").iterations(1).quiet());
  const double elapsed = ns_since(start);
  const long switches = context_switches() - switches_before;
  if (result.failed()) {
    std::fprintf(stderr, "bench_scheduler: the %d-thread %s run did not complete cleanly:\n%s\n", threads,
                 what, result.report.c_str());
    std::exit(1);
  }
  run_cost cost;
  cost.ns_per_step = elapsed / steps;
  cost.switches_per_step = static_cast<double>(switches) / steps;
  cost.ns_per_switch = switches > 0 ? elapsed / static_cast<double>(switches) : 0;
  return cost;
}

// `threads` threads, each reaching `points` yield points.
run_cost controlled_point_cost(int threads, int points) {
  return controlled_run_cost("yield", threads, threads * points, [=] {
    std::vector<std::thread> players;
    for (int t = 0; t < threads; ++t) {
      players.emplace_back([=] {
        for (int i = 0; i < points; ++i) weft::yield_point();
      });
    }
    for (std::thread& player : players) player.join();
  });
}

// `threads` threads passing a token round a ring `rounds` times; a step is one pass.
run_cost controlled_ring_cost(int threads, int rounds) {
  return controlled_run_cost("token ring", threads, threads * rounds, [=] {
    std::vector<sem_t> turns(static_cast<std::size_t>(threads));
    for (sem_t& turn : turns) sem_init(&turn, 0, 0);
    std::vector<std::thread> players;
    for (int t = 0; t < threads; ++t) {
      players.emplace_back([&turns, t, threads, rounds] {
        for (int i = 0; i < rounds; ++i) {
          sem_wait(&turns[static_cast<std::size_t>(t)]);
          sem_post(&turns[static_cast<std::size_t>((t + 1) % threads)]);
        }
      });
    }
    sem_post(&turns[0]);
    for (std::thread& player : players) player.join();
    for (sem_t& turn : turns) sem_destroy(&turn);
  });
}

void print_costs(const char* name, int threads, const std::vector<run_cost>& costs) {
  std::vector<double> per_step, switches, per_switch;
  for (const run_cost& cost : costs) {
    per_step.push_back(cost.ns_per_step);
    switches.push_back(cost.switches_per_step);
    per_switch.push_back(cost.ns_per_switch);
  }
  std::printf("%s_cost_%dt_ns\t%.0f\n", name, threads, median(per_step));
  std::printf("%s_switches_%dt\t%.3f\n", name, threads, median(switches));
  std::printf("%s_switch_cost_%dt_ns\t%.0f\n", name, threads, median(per_switch));
}

double controlled_rate(int threads, int steps, std::chrono::milliseconds block) {
  const auto start = clock_type::now();
  const weft::explore_result result = weft::explore(
      [=] { bench::counter_test(threads, steps); },
      weft::explore_options().strategy("random").iterations(1'000'000).time_budget(block).quiet());
  const double seconds = ns_since(start) / 1e9;
  if (result.failed()) {
    std::fprintf(stderr, "bench_scheduler: counter_test failed under weft:\n%s\n", result.report.c_str());
    std::exit(1);
  }
  return static_cast<double>(result.schedules) / seconds;
}

// A result slot a job fills and its submitter waits for, as std::future does, but through a mutex.
struct mutex_result {
  std::mutex mutex;
  std::condition_variable filled;
  bool ready = false;
  int value = 0;
};

// Two workers take jobs from a queue; each job's result goes back through a std::future or a
// mutex_result. The test submits 4 jobs and waits for every result.
void pool_test(bool through_futures) {
  std::mutex queue_mutex;
  std::condition_variable queued;
  std::deque<std::function<void()>> jobs;
  bool closing = false;
  auto work = [&] {
    for (;;) {
      std::function<void()> job;
      {
        std::unique_lock lock(queue_mutex);
        queued.wait(lock, [&] { return closing || !jobs.empty(); });
        if (jobs.empty()) return;
        job = std::move(jobs.front());
        jobs.pop_front();
      }
      job();
    }
  };
  auto submit = [&](std::function<void()> job) {
    std::lock_guard lock(queue_mutex);
    jobs.push_back(std::move(job));
    queued.notify_one();
  };
  std::thread first(work), second(work);
  constexpr int job_count = 4;
  int sum = 0;
  if (through_futures) {
    std::vector<std::future<int>> results;
    for (int i = 0; i < job_count; ++i) {
      auto task = std::make_shared<std::packaged_task<int()>>([i] { return i; });
      results.push_back(task->get_future());
      submit([task] { (*task)(); });
    }
    for (std::future<int>& result : results) sum += result.get();
  } else {
    std::vector<mutex_result> results(job_count);
    for (int i = 0; i < job_count; ++i) {
      submit([&slot = results[static_cast<std::size_t>(i)], i] {
        std::lock_guard lock(slot.mutex);
        slot.value = i;
        slot.ready = true;
        slot.filled.notify_one();
      });
    }
    for (mutex_result& slot : results) {
      std::unique_lock lock(slot.mutex);
      slot.filled.wait(lock, [&] { return slot.ready; });
      sum += slot.value;
    }
  }
  {
    std::lock_guard lock(queue_mutex);
    closing = true;
    queued.notify_all();
  }
  first.join();
  second.join();
  if (sum != 0 + 1 + 2 + 3) std::abort();
}

double controlled_pool_rate(bool through_futures, std::chrono::milliseconds block) {
  const auto start = clock_type::now();
  const weft::explore_result result = weft::explore(
      [=] { pool_test(through_futures); },
      weft::explore_options().strategy("random").iterations(1'000'000).time_budget(block).quiet());
  const double seconds = ns_since(start) / 1e9;
  if (result.failed() || result.uncontrolled) {
    std::fprintf(stderr, "bench_scheduler: the pool test did not run cleanly under weft:\n%s\n",
                 result.report.c_str());
    std::exit(1);
  }
  return static_cast<double>(result.schedules) / seconds;
}

double native_rate(int threads, int steps, std::chrono::milliseconds block) {
  const auto start = clock_type::now();
  std::size_t runs = 0;
  while (clock_type::now() - start < block) {
    bench::counter_test(threads, steps);
    ++runs;
  }
  return static_cast<double>(runs) / (ns_since(start) / 1e9);
}

}  // namespace

int main(int argc, char** argv) {
  const int repetitions = argc > 1 ? std::atoi(argv[1]) : 5;
  const int block_ms = argc > 2 ? std::atoi(argv[2]) : 500;
  if (repetitions <= 0 || block_ms <= 0) {
    std::fprintf(stderr, "usage: bench_scheduler <repetitions> <block ms>\n");
    return 2;
  }
  const std::chrono::milliseconds block(block_ms);

  std::vector<double> controlled, native, futex;
  for (int i = 0; i < repetitions; ++i) {
    const std::vector<double> c = controlled_handoffs();
    const std::vector<double> n = native_handoffs();
    const std::vector<double> f = pinned_futex_handoffs();
    controlled.insert(controlled.end(), c.begin(), c.end());
    native.insert(native.end(), n.begin(), n.end());
    futex.insert(futex.end(), f.begin(), f.end());
  }
  std::printf("handoff_weft_median_ns\t%.0f\n", median(controlled));
  std::printf("handoff_native_median_ns\t%.0f\n", median(native));
  std::printf("handoff_futex_pinned_median_ns\t%.0f\n", median(futex));
  std::printf("handoff_weft_samples\t%zu\n", controlled.size());

  // The same number of points in every run, so that only the thread count differs.
  constexpr int total_points = 12'800;
  for (const int threads : {2, 8, 64}) {
    std::vector<run_cost> points, passes;
    for (int i = 0; i < repetitions; ++i) {
      points.push_back(controlled_point_cost(threads, total_points / threads));
      passes.push_back(controlled_ring_cost(threads, total_points / threads));
    }
    print_costs("point", threads, points);
    print_costs("ring_pass", threads, passes);
  }

  for (const int threads : {2, 8}) {
    std::vector<double> weft_rates, native_rates;
    for (int i = 0; i < repetitions; ++i) {
      weft_rates.push_back(controlled_rate(threads, 25, block));
      native_rates.push_back(native_rate(threads, 25, block));
    }
    std::printf("schedules_per_s_%dt_weft\t%.1f\n", threads, median(weft_rates));
    std::printf("schedules_per_s_%dt_native\t%.1f\n", threads, median(native_rates));
  }

  std::vector<double> future_rates, mutex_rates;
  for (int i = 0; i < repetitions; ++i) {
    future_rates.push_back(controlled_pool_rate(true, block));
    mutex_rates.push_back(controlled_pool_rate(false, block));
  }
  std::printf("schedules_per_s_pool_future_weft\t%.1f\n", median(future_rates));
  std::printf("schedules_per_s_pool_mutex_weft\t%.1f\n", median(mutex_rates));
}
