// Two test cases of thread_pool, linked with weft::catch2_main: one shuts its pool down, one
// forgets to. weft fails the second, and only it, naming the two workers it left waiting.
#include <atomic>
#include <catch2/catch.hpp>
#include <future>

#include "thread_pool.hpp"

TEST_CASE("a pool runs every job before it shuts down") {
  std::atomic<int> done{0};
  thread_pool pool(2);
  for (int i = 0; i < 10; ++i) pool.submit([&done] { ++done; });
  pool.shutdown();
  CHECK(done == 10);
}

TEST_CASE("a pool that is never shut down leaks its workers") {
  // Kept alive on purpose, as a pool owned by a global service would be: the test forgets to call
  // shutdown(), so both workers still wait for jobs when it ends.
  auto* pool = new thread_pool(2);
  std::promise<int> answer;
  pool->submit([&answer] { answer.set_value(42); });
  CHECK(answer.get_future().get() == 42);
}
