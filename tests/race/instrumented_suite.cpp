// An ordinary GoogleTest suite of a small concurrent queue, compiled whole with weft_instrument (the
// tests, the queue and GoogleTest's inline code; GoogleTest's library is not) and linked with
// weft::gtest_main. With no controlled run in progress every hook must only forward: the suite
// passes as it would uninstrumented, and weft's leak check after each test finds nothing.
#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <mutex>
#include <numeric>
#include <optional>
#include <thread>
#include <vector>

namespace {

// A blocking FIFO; close() wakes every waiting consumer, which then sees an empty optional.
template <typename T>
class closable_queue {
 public:
  void push(T item) {
    {
      std::lock_guard lock(mutex_);
      items_.push_back(std::move(item));
    }
    changed_.notify_one();
  }

  std::optional<T> pop() {
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [&] { return closed_ || !items_.empty(); });
    if (items_.empty()) return std::nullopt;
    T item = std::move(items_.front());
    items_.pop_front();
    return item;
  }

  void close() {
    {
      std::lock_guard lock(mutex_);
      closed_ = true;
    }
    changed_.notify_all();
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<T> items_;
  bool closed_ = false;
};

TEST(InstrumentedQueue, KeepsOrderInOneThread) {
  closable_queue<int> queue;
  for (int i = 0; i < 100; ++i) queue.push(i);
  queue.close();
  for (int i = 0; i < 100; ++i) EXPECT_EQ(queue.pop(), i);
  EXPECT_EQ(queue.pop(), std::nullopt);
}

TEST(InstrumentedQueue, DeliversEveryItemOnceAcrossThreads) {
  constexpr int producers = 3, consumers = 3, per_producer = 2000;
  closable_queue<int> queue;
  std::vector<long long> sums(consumers, 0);
  std::vector<std::thread> threads;
  for (int c = 0; c < consumers; ++c) {
    threads.emplace_back([&, c] {
      while (std::optional<int> item = queue.pop()) sums[c] += *item;
    });
  }
  std::vector<std::thread> producing;
  for (int p = 0; p < producers; ++p) {
    producing.emplace_back([&, p] {
      for (int i = 0; i < per_producer; ++i) queue.push(p * per_producer + i);
    });
  }
  for (std::thread& t : producing) t.join();
  queue.close();
  for (std::thread& t : threads) t.join();
  const long long n = producers * per_producer;
  EXPECT_EQ(std::accumulate(sums.begin(), sums.end(), 0LL), n * (n - 1) / 2);
}

TEST(InstrumentedQueue, CloseWakesEveryWaitingConsumer) {
  closable_queue<int> queue;
  std::atomic<int> woken{0};
  std::vector<std::thread> waiting;
  for (int i = 0; i < 4; ++i) {
    waiting.emplace_back([&] {
      if (!queue.pop()) woken.fetch_add(1);
    });
  }
  queue.close();
  for (std::thread& t : waiting) t.join();
  EXPECT_EQ(woken.load(), 4);
}

TEST(InstrumentedAtomics, CompareExchangeCountsEveryIncrement) {
  constexpr int threads = 4, per_thread = 10'000;
  std::atomic<long> counter{0};
  std::vector<std::thread> workers;
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&] {
      for (int i = 0; i < per_thread; ++i) {
        long seen = counter.load(std::memory_order_relaxed);
        while (!counter.compare_exchange_weak(seen, seen + 1, std::memory_order_acq_rel)) {
        }
      }
    });
  }
  for (std::thread& t : workers) t.join();
  EXPECT_EQ(counter.load(), long{threads} * per_thread);
}

TEST(InstrumentedMemory, CopiesAndFillsLikeUninstrumentedCode) {
  struct record {
    int id;
    double weight;
    char name[24];
  };
  record original{7, 2.5, "seven"};
  record copy;
  std::memcpy(&copy, &original, sizeof copy);
  EXPECT_EQ(copy.id, 7);
  EXPECT_EQ(copy.weight, 2.5);
  EXPECT_STREQ(copy.name, "seven");
  std::memset(copy.name, 'x', sizeof copy.name - 1);
  copy.name[sizeof copy.name - 1] = '\0';
  EXPECT_EQ(std::strlen(copy.name), sizeof copy.name - 1);
  record assigned = original;
  EXPECT_STREQ(assigned.name, "seven");
}

}  // namespace
