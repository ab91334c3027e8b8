// After fork() only the forking thread exists in the child, and the registry must say so; threads
// can still be started there. The child reports what it found through its exit code.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <optional>
#include <thread>

#include "parked_thread.hpp"
#include "registry/registry.hpp"

namespace weft::registry_test {
namespace {

// What a child found wrong, as its exit code.
enum child_finding : int {
  all_as_expected = 0,
  wrong_live_count = 10,
  parent_thread_still_live = 11,
  own_record_missing = 12,
  new_thread_not_recorded = 13,
  new_thread_not_finished = 14,
};

// Starts a thread in the child and checks that it is recorded while it runs and gone once joined.
child_finding check_new_thread_is_recorded(std::size_t live_before) {
  std::uint64_t before = registry::last_birth();
  bool recorded = false;
  std::thread([&recorded] { recorded = registry::find_live(platform::current_tid()).has_value(); }).join();
  if (!recorded) return new_thread_not_recorded;
  if (registry::count_live_born_after(before) != 0 || registry::count_live_born_after(0) != live_before) {
    return new_thread_not_finished;
  }
  return all_as_expected;
}

child_finding check_child_of_unrecorded_thread(int parent_thread_tid) {
  if (registry::count_live_born_after(0) != 0) return wrong_live_count;
  if (registry::is_live(parent_thread_tid)) return parent_thread_still_live;
  return check_new_thread_is_recorded(0);
}

child_finding check_child_of_recorded_thread(int parent_thread_tid, std::uint64_t own_birth) {
  if (registry::count_live_born_after(0) != 1) return wrong_live_count;
  if (registry::is_live(parent_thread_tid)) return parent_thread_still_live;
  std::optional<registry::thread_record> own = registry::find_live(platform::current_tid());
  if (!own.has_value() || own->birth != own_birth) return own_record_missing;
  return check_new_thread_is_recorded(1);
}

// The child's exit code, or nullopt if it had not exited within `patience` (it is then killed).
std::optional<int> exit_code_of(pid_t child) {
  auto deadline = std::chrono::steady_clock::now() + patience;
  int status = 0;
  while (waitpid(child, &status, WNOHANG) == 0) {
    if (std::chrono::steady_clock::now() >= deadline) {
      kill(child, SIGKILL);
      waitpid(child, &status, 0);
      return std::nullopt;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  if (!WIFEXITED(status)) return -WTERMSIG(status);
  return WEXITSTATUS(status);
}

}  // namespace

TEST(Fork, ChildOfAnUnrecordedThreadKeepsNoRecordAndCanStartThreads) {
  parking held;
  std::thread other([&held] { held.park(); });
  int other_tid = held.wait_for_tid();
  ASSERT_TRUE(registry::is_live(other_tid));

  pid_t child = fork();
  if (child == 0) _exit(check_child_of_unrecorded_thread(other_tid));
  held.release();
  other.join();

  ASSERT_NE(child, -1);
  EXPECT_EQ(exit_code_of(child), std::optional<int>(all_as_expected));
}

TEST(Fork, ChildOfARecordedThreadKeepsOnlyThatThreadsRecord) {
  parking held;
  std::thread other([&held] { held.park(); });
  int other_tid = held.wait_for_tid();
  ASSERT_TRUE(registry::is_live(other_tid));

  pid_t child = -1;
  std::thread forker([&child, other_tid] {
    std::uint64_t own_birth =
        registry::find_live(platform::current_tid()).value_or(registry::thread_record{}).birth;
    child = fork();
    if (child == 0) _exit(check_child_of_recorded_thread(other_tid, own_birth));
  });
  forker.join();
  held.release();
  other.join();

  ASSERT_NE(child, -1);
  EXPECT_EQ(exit_code_of(child), std::optional<int>(all_as_expected));
}

}  // namespace weft::registry_test
