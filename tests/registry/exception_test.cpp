// Linking weft changes nothing a program can observe: exceptions still cross threads through
// std::exception_ptr while weft's pthread_create records the thread that threw.
#include <gtest/gtest.h>

#include <exception>
#include <future>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>

#include "parked_thread.hpp"
#include "registry/registry.hpp"

namespace weft::registry_test {

TEST(Exceptions, ExceptionThrownInAThreadIsRethrownInAnother) {
  parking held;
  std::exception_ptr thrown;
  std::thread thread([&held, &thrown] {
    held.park();
    try {
      throw std::runtime_error("thrown in the worker");
    } catch (...) {
      thrown = std::current_exception();
    }
  });
  std::optional<registry::thread_record> record = registry::find_live(held.wait_for_tid());
  held.release();
  thread.join();

  EXPECT_TRUE(record.has_value()) << "weft's pthread_create did not record the thread";
  ASSERT_NE(thrown, nullptr);
  try {
    std::rethrow_exception(thrown);
  } catch (const std::runtime_error& error) {
    EXPECT_EQ(std::string(error.what()), "thrown in the worker");
  }
}

TEST(Exceptions, AsyncTaskExceptionReachesTheFuture) {
  std::uint64_t before = registry::last_birth();
  std::future<int> result = std::async(std::launch::async, []() -> int { throw std::logic_error("async"); });

  ASSERT_EQ(result.wait_for(patience), std::future_status::ready);
  EXPECT_THROW(result.get(), std::logic_error);
  EXPECT_GT(registry::last_birth(), before) << "std::async's thread was not seen by weft's pthread_create";
}

}  // namespace weft::registry_test
