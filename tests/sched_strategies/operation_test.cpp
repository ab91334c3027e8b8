// Which operations commute, and what they are called in reports.
#include "sched/operation.hpp"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace {

using weft::sched::conflicts;
using weft::sched::op_kind;

TEST(Conflicts, TwoReadsCommute) {
  EXPECT_FALSE(conflicts(op_kind::atomic_load, op_kind::atomic_load));
  EXPECT_FALSE(conflicts(op_kind::read_lock, op_kind::read_lock));
}

TEST(Conflicts, AnythingThatWritesConflicts) {
  EXPECT_TRUE(conflicts(op_kind::atomic_load, op_kind::atomic_store));
  EXPECT_TRUE(conflicts(op_kind::atomic_store, op_kind::atomic_load));
  EXPECT_TRUE(conflicts(op_kind::atomic_rmw, op_kind::atomic_rmw));
  EXPECT_TRUE(conflicts(op_kind::mutex_lock, op_kind::mutex_lock));
  EXPECT_TRUE(conflicts(op_kind::read_lock, op_kind::mutex_lock));
  EXPECT_TRUE(conflicts(op_kind::cond_signal, op_kind::cond_wait));
}

TEST(OperationNames, EveryKindHasItsOwnName) {
  std::set<std::string> seen;
  for (int k = 0; k <= static_cast<int>(op_kind::run_end); ++k) {
    const std::string name(weft::sched::name_of(static_cast<op_kind>(k)));
    EXPECT_NE(name, "unknown_operation") << "kind " << k;
    EXPECT_TRUE(seen.insert(name).second) << name << " is used twice";
  }
  EXPECT_EQ(weft::sched::name_of(op_kind::mutex_lock), "mutex_lock");
}

}  // namespace
