// The census's counters in the registry: one site per distinct creation stack, counted at creation and
// at exit, and the records whose thread has not started yet.
#include <gtest/gtest.h>

#include <array>
#include <cstdint>

#include "registry/registry.hpp"

namespace {

using weft::registry::census_records;

// Made-up creation stacks: the registry counts by their pcs and never symbolizes them.
constexpr std::array<std::uintptr_t, 3> first_stack{0x1000, 0x2000, 0x3000};
constexpr std::array<std::uintptr_t, 3> second_stack{0x1000, 0x2000, 0x4000};

const weft::registry::site_counts* site_of(const census_records& records, std::uintptr_t last_pc) {
  for (const weft::registry::site_counts& site : records.sites) {
    if (!site.creation_pcs.empty() && site.creation_pcs.back() == last_pc) return &site;
  }
  return nullptr;
}

census_records read() {
  census_records records;
  weft::registry::read_census(records);
  return records;
}

TEST(RegistrySites, CountsCreationAndExitPerCreationStack) {
  auto* a1 = weft::registry::begin_creation(first_stack, 0);
  auto* a2 = weft::registry::begin_creation(first_stack, 0);
  auto* b1 = weft::registry::begin_creation(second_stack, 0);
  // Not started yet: pending, at their sites, in birth order.
  census_records records = read();
  const auto* a = site_of(records, 0x3000);
  const auto* b = site_of(records, 0x4000);
  ASSERT_NE(a, nullptr);
  ASSERT_NE(b, nullptr);
  EXPECT_EQ(a->created, 2u);
  EXPECT_EQ(b->created, 1u);
  ASSERT_GE(records.pending.size(), 3u);
  const std::size_t a_index = static_cast<std::size_t>(a - records.sites.data());
  const std::size_t b_index = static_cast<std::size_t>(b - records.sites.data());
  const std::vector<std::size_t> last_three(records.pending.end() - 3, records.pending.end());
  EXPECT_EQ(last_three, (std::vector<std::size_t>{a_index, a_index, b_index}));

  // Made-up tids: the registry only keys its map by them.
  weft::registry::thread_started(a1, 900001);
  weft::registry::thread_started(a2, 900002);
  records = read();
  std::size_t live_at_a = 0;
  for (const auto& live : records.live) {
    if (live.tid == 900001 || live.tid == 900002) {
      EXPECT_EQ(records.sites[live.site].creation_pcs.back(), 0x3000u);
      ++live_at_a;
    }
  }
  EXPECT_EQ(live_at_a, 2u);

  weft::registry::thread_finished(a1);
  weft::registry::thread_finished(a2);
  // A failed pthread_create is taken back: neither created nor exited.
  weft::registry::creation_failed(b1);
  records = read();
  a = site_of(records, 0x3000);
  b = site_of(records, 0x4000);
  ASSERT_NE(a, nullptr);
  ASSERT_NE(b, nullptr);
  EXPECT_EQ(a->created, 2u);
  EXPECT_EQ(a->exited, 2u);
  EXPECT_EQ(b->created, 0u);
  EXPECT_EQ(b->exited, 0u);
}

}  // namespace
