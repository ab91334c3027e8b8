// capture_current_stack(pcs, max, skip): pcs[0] is in the caller's caller when skip is 0, one frame
// further out for each skip. Each level records its own return address, which the unwinder must
// report exactly.
#include <gtest/gtest.h>

#include <cstdint>

#include "platform/threads.hpp"

namespace weft::platform {
namespace {

constexpr int max_pcs = 64;

struct capture {
  std::uintptr_t pcs[max_pcs] = {};
  int count = 0;
  // return_into[n]: the return address into the function n + 2 frames above the one that calls
  // capture_current_stack.
  std::uintptr_t return_into[3] = {};
};

std::uintptr_t here(void* address) {
  return reinterpret_cast<std::uintptr_t>(address);
}

// Each level does work after its call so that no call becomes a tail call and every frame stays.
[[gnu::noinline]] void level1(capture& c, int max, int skip) {
  c.return_into[0] = here(__builtin_return_address(0));
  c.count = capture_current_stack(c.pcs, max, skip);
  asm volatile("" ::: "memory");
}

[[gnu::noinline]] void level2(capture& c, int max, int skip) {
  c.return_into[1] = here(__builtin_return_address(0));
  level1(c, max, skip);
  asm volatile("" ::: "memory");
}

[[gnu::noinline]] void level3(capture& c, int max, int skip) {
  c.return_into[2] = here(__builtin_return_address(0));
  level2(c, max, skip);
  asm volatile("" ::: "memory");
}

TEST(CaptureCurrentStack, StartsInTheCallersCallerWithoutSkip) {
  capture c;
  level3(c, max_pcs, 0);
  ASSERT_GE(c.count, 3);
  EXPECT_EQ(c.pcs[0], c.return_into[0]);
  EXPECT_EQ(c.pcs[1], c.return_into[1]);
  EXPECT_EQ(c.pcs[2], c.return_into[2]);
}

TEST(CaptureCurrentStack, LeavesOutOneMoreFramePerSkip) {
  for (int skip = 1; skip <= 2; ++skip) {
    capture c;
    level3(c, max_pcs, skip);
    ASSERT_GE(c.count, 3 - skip) << "skip " << skip;
    EXPECT_EQ(c.pcs[0], c.return_into[skip]) << "skip " << skip;
  }
}

TEST(CaptureCurrentStack, WritesAtMostMaxPcs) {
  capture c;
  level3(c, 2, 0);
  EXPECT_EQ(c.count, 2);
  EXPECT_EQ(c.pcs[1], c.return_into[1]);
  EXPECT_EQ(c.pcs[2], 0u);
}

TEST(CaptureCurrentStack, WritesNothingWhenMaxIsZero) {
  capture c;
  level3(c, 0, 0);
  EXPECT_EQ(c.count, 0);
  EXPECT_EQ(c.pcs[0], 0u);
}

TEST(CaptureCurrentStack, TreatsNegativeSkipAsZero) {
  capture c;
  level3(c, max_pcs, -5);
  ASSERT_GE(c.count, 1);
  EXPECT_EQ(c.pcs[0], c.return_into[0]);
}

}  // namespace
}  // namespace weft::platform
