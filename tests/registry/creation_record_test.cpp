// Every way of starting a thread is recorded with who created it, from where, and in which test.
#include <dlfcn.h>
#include <gtest/gtest.h>
#include <pthread.h>

#include <cstring>
#include <optional>
#include <thread>

#include "parked_thread.hpp"
#include "registry/registry.hpp"
#include "weft/test_scope.hpp"

namespace weft::registry_test {

// The thread starters below are exported (the test links with ENABLE_EXPORTS) and never inlined, so a
// creation stack can be checked by asking dladdr which function a return address lies in.
[[gnu::noinline]] std::thread start_std_thread(parking& held) {
  return std::thread([&held] { held.park(); });
}

[[gnu::noinline]] std::jthread start_jthread(parking& held) {
  return std::jthread([&held] { held.park(); });
}

[[gnu::noinline]] std::optional<pthread_t> start_pthread(parking& held) {
  pthread_t thread;
  if (pthread_create(&thread, nullptr, &park_routine, &held) != 0) return std::nullopt;
  return thread;
}

[[gnu::noinline]] void start_detached_thread(parking& held) {
  std::thread([&held] { held.park(); }).detach();
}

namespace {

// The function a return address lies in: the call instruction ends just before it.
const void* function_containing(std::uintptr_t return_address) {
  Dl_info info{};
  if (dladdr(reinterpret_cast<const void*>(return_address - 1), &info) == 0) return nullptr;
  return info.dli_saddr;
}

// The index of the first of the `depth` innermost creation frames that lies in `function`, or -1.
int frame_in(const registry::thread_record& record, const void* function, std::size_t depth) {
  for (std::size_t i = 0; i < std::min(depth, record.creation_pcs.size()); ++i) {
    if (function_containing(record.creation_pcs[i]) == function) return static_cast<int>(i);
  }
  return -1;
}

// The checks every recorded thread must pass; `starter` must appear within the innermost `depth`
// creation frames (the standard library's own frames come first for std::thread).
void expect_recorded_by_this_test(const registry::thread_record& record, const void* starter,
                                  std::size_t depth, const char* test_name) {
  EXPECT_EQ(record.creator_tid, platform::current_tid());
  EXPECT_GT(record.birth, 0u);
  EXPECT_NE(frame_in(record, starter, depth), -1)
      << "the starter is not among the innermost " << depth << " of " << record.creation_pcs.size()
      << " creation frames";
  ASSERT_NE(record.test, nullptr);
  EXPECT_STREQ(record.test, test_name);
}

// Unoptimized builds keep every std::jthread/std::thread helper as its own frame.
constexpr std::size_t standard_library_depth = 8;

}  // namespace

TEST(CreationRecord, RecordsStdThreadWithItsCreatorStackAndTest) {
  test_scope scope("creation.std_thread");
  parking held;
  std::thread thread = start_std_thread(held);
  int tid = held.wait_for_tid();
  std::optional<registry::thread_record> record = registry::find_live(tid);
  held.release();
  thread.join();

  ASSERT_TRUE(record.has_value()) << "no live record for tid " << tid;
  EXPECT_EQ(record->tid, tid);
  expect_recorded_by_this_test(*record, reinterpret_cast<const void*>(&start_std_thread),
                               standard_library_depth, "creation.std_thread");
}

TEST(CreationRecord, RecordsJthreadWithItsCreatorStackAndTest) {
  test_scope scope("creation.jthread");
  parking held;
  std::optional<registry::thread_record> record;
  {
    std::jthread thread = start_jthread(held);
    record = registry::find_live(held.wait_for_tid());
    held.release();
  }

  ASSERT_TRUE(record.has_value());
  expect_recorded_by_this_test(*record, reinterpret_cast<const void*>(&start_jthread), standard_library_depth,
                               "creation.jthread");
}

TEST(CreationRecord, StartsRawPthreadCreateStackAtItsCaller) {
  test_scope scope("creation.pthread_create");
  parking held;
  std::optional<pthread_t> thread = start_pthread(held);
  ASSERT_TRUE(thread.has_value());
  std::optional<registry::thread_record> record = registry::find_live(held.wait_for_tid());
  held.release();
  pthread_join(*thread, nullptr);

  ASSERT_TRUE(record.has_value());
  // No weft frame may come before the caller's: the first frame is the caller itself.
  expect_recorded_by_this_test(*record, reinterpret_cast<const void*>(&start_pthread), 1,
                               "creation.pthread_create");
  EXPECT_EQ(record->start_routine, reinterpret_cast<std::uintptr_t>(&park_routine));
}

TEST(CreationRecord, RecordsDetachedThreadAndDropsItWhenItFinishes) {
  test_scope scope("creation.detached");
  parking held;
  start_detached_thread(held);
  int tid = held.wait_for_tid();
  std::optional<registry::thread_record> record = registry::find_live(tid);
  held.release();

  ASSERT_TRUE(record.has_value());
  expect_recorded_by_this_test(*record, reinterpret_cast<const void*>(&start_detached_thread),
                               standard_library_depth, "creation.detached");
  EXPECT_TRUE(wait_until_finished(tid)) << "the detached thread " << tid << " still has a live record";
}

TEST(CreationRecord, RecordsNoTestOutsideAnyTestScope) {
  parking held;
  std::optional<pthread_t> thread = start_pthread(held);
  ASSERT_TRUE(thread.has_value());
  std::optional<registry::thread_record> record = registry::find_live(held.wait_for_tid());
  held.release();
  pthread_join(*thread, nullptr);

  ASSERT_TRUE(record.has_value());
  EXPECT_EQ(record->test, nullptr);
}

}  // namespace weft::registry_test
