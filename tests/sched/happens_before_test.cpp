// The order race reports rest on: which synchronization orders two accesses and which does not, and
// what the shadow memory reports. A missed edge is a false race report; a spurious one hides races.
#include "sched/happens_before.hpp"

#include <gtest/gtest.h>

#include <vector>

#include "sched/observer.hpp"
#include "sched/race_detector.hpp"

namespace {

using weft::sched::happens_before;
using access = weft::detail::atomic_access;

constexpr std::uintptr_t lock = 0x1000;
constexpr std::uintptr_t flag = 0x2000;

// Threads 1 and 2, both created by thread 0 before either runs.
happens_before two_threads() {
  happens_before order;
  order.thread_started(0);
  order.thread_created(0, 1);
  order.thread_created(0, 2);
  return order;
}

TEST(HappensBefore, ThreadsCreatedSideBySideAreUnordered) {
  happens_before order = two_threads();
  EXPECT_FALSE(order.ordered_before(order.now(1), 2));
  EXPECT_FALSE(order.ordered_before(order.now(2), 1));
}

TEST(HappensBefore, CreationOrdersTheParentsPastBeforeTheChild) {
  happens_before order;
  order.thread_started(0);
  const auto before_create = order.now(0);
  order.thread_created(0, 1);
  EXPECT_TRUE(order.ordered_before(before_create, 1));
  EXPECT_FALSE(order.ordered_before(order.now(0), 1)) << "the parent's steps after creating are its own";
}

TEST(HappensBefore, JoinOrdersTheChildBeforeTheJoiner) {
  happens_before order = two_threads();
  const auto childs_work = order.now(1);
  EXPECT_FALSE(order.ordered_before(childs_work, 0));
  order.thread_joined(0, 1);
  EXPECT_TRUE(order.ordered_before(childs_work, 0));
}

TEST(HappensBefore, UnlockThenLockOrders) {
  happens_before order = two_threads();
  const auto inside = order.now(1);
  order.release(1, lock);
  order.acquire(2, lock);
  EXPECT_TRUE(order.ordered_before(inside, 2));
}

TEST(HappensBefore, AcquiringAnotherLockDoesNotOrder) {
  happens_before order = two_threads();
  const auto inside = order.now(1);
  order.release(1, lock);
  order.acquire(2, lock + 64);
  EXPECT_FALSE(order.ordered_before(inside, 2));
}

TEST(HappensBefore, ReleaseStoreAcquireLoadOrders) {
  happens_before order = two_threads();
  const auto data_written = order.now(1);
  order.atomic(1, flag, access::store, __ATOMIC_RELEASE);
  order.atomic(2, flag, access::load, __ATOMIC_ACQUIRE);
  EXPECT_TRUE(order.ordered_before(data_written, 2));
}

TEST(HappensBefore, RelaxedStoreOrAcquireFreeLoadDoesNotOrder) {
  happens_before relaxed_store = two_threads();
  const auto written = relaxed_store.now(1);
  relaxed_store.atomic(1, flag, access::store, __ATOMIC_RELAXED);
  relaxed_store.atomic(2, flag, access::load, __ATOMIC_ACQUIRE);
  EXPECT_FALSE(relaxed_store.ordered_before(written, 2));

  happens_before relaxed_load = two_threads();
  const auto also_written = relaxed_load.now(1);
  relaxed_load.atomic(1, flag, access::store, __ATOMIC_RELEASE);
  relaxed_load.atomic(2, flag, access::load, __ATOMIC_RELAXED);
  EXPECT_FALSE(relaxed_load.ordered_before(also_written, 2));
}

TEST(HappensBefore, FencesMakeRelaxedAccessesSynchronize) {
  happens_before order = two_threads();
  const auto written = order.now(1);
  order.fence(1, __ATOMIC_RELEASE);
  order.atomic(1, flag, access::store, __ATOMIC_RELAXED);
  order.atomic(2, flag, access::load, __ATOMIC_RELAXED);
  EXPECT_FALSE(order.ordered_before(written, 2)) << "not before the acquire fence";
  order.fence(2, __ATOMIC_ACQUIRE);
  EXPECT_TRUE(order.ordered_before(written, 2));
}

TEST(HappensBefore, ReadModifyWriteContinuesTheReleaseSequence) {
  happens_before order;
  order.thread_started(0);
  order.thread_created(0, 1);
  order.thread_created(0, 2);
  order.thread_created(0, 3);
  const auto published = order.now(1);
  order.atomic(1, flag, access::store, __ATOMIC_RELEASE);
  order.atomic(2, flag, access::read_modify_write, __ATOMIC_RELAXED);  // a relaxed fetch_add in between
  order.atomic(3, flag, access::load, __ATOMIC_ACQUIRE);
  EXPECT_TRUE(order.ordered_before(published, 3));
}

TEST(HappensBefore, APlainStoreEndsTheReleaseSequence) {
  happens_before order = two_threads();
  const auto published = order.now(1);
  order.atomic(1, flag, access::store, __ATOMIC_RELEASE);
  order.atomic(2, flag, access::store, __ATOMIC_RELAXED);
  order.atomic(0, flag, access::load, __ATOMIC_ACQUIRE);
  EXPECT_FALSE(order.ordered_before(published, 0));
}

// ---- shadow memory ----

struct detector {
  happens_before order = two_threads();
  weft::sched::stack_depot stacks;
  weft::sched::race_detector races;
  void access(weft::sched::thread_id thread, std::uintptr_t address, std::size_t size, bool write,
              bool atomic = false) {
    races.access(order, stacks, thread, address, size, write, atomic, stacks.child(0, 0x400000 + thread));
  }
};

TEST(RaceDetector, ReportsUnorderedWriteAndRead) {
  detector d;
  d.access(1, 0x5000, 4, true);
  d.access(2, 0x5000, 4, false);
  ASSERT_EQ(d.races.races().size(), 1u);
  const auto& race = d.races.races().front();
  EXPECT_EQ(race.address, 0x5000u);
  EXPECT_EQ(race.size, 4u);
  EXPECT_TRUE(race.earlier.write);
  EXPECT_FALSE(race.later.write);
  EXPECT_EQ(race.earlier.pcs, (std::vector<std::uintptr_t>{0x400001}));
  EXPECT_EQ(race.later.pcs, (std::vector<std::uintptr_t>{0x400002}));
}

TEST(RaceDetector, TwoReadsNeverRace) {
  detector d;
  d.access(1, 0x5000, 8, false);
  d.access(2, 0x5000, 8, false);
  EXPECT_TRUE(d.races.races().empty());
}

TEST(RaceDetector, NeighbouringBytesOfOneWordDoNotRace) {
  detector d;
  d.access(1, 0x5000, 2, true);
  d.access(2, 0x5002, 2, true);
  d.access(2, 0x5004, 4, false);
  EXPECT_TRUE(d.races.races().empty());
}

TEST(RaceDetector, AWideAccessRacesWithTheBytesItCovers) {
  detector d;
  d.access(1, 0x5006, 1, true);
  d.access(2, 0x5000, 16, false);  // two granules, the first overlapping at byte 6
  ASSERT_EQ(d.races.races().size(), 1u);
  EXPECT_EQ(d.races.races().front().address, 0x5006u);
  EXPECT_EQ(d.races.races().front().size, 1u);
}

TEST(RaceDetector, AtomicAccessesDoNotRaceWithEachOtherButDoWithPlainOnes) {
  detector d;
  d.access(1, 0x5000, 4, true, /*atomic=*/true);
  d.access(2, 0x5000, 4, true, /*atomic=*/true);
  EXPECT_TRUE(d.races.races().empty());
  d.access(2, 0x5000, 4, false, /*atomic=*/false);  // its own atomic write is ordered before it
  EXPECT_EQ(d.races.races().size(), 1u) << "thread 1's atomic write and thread 2's plain read";
}

TEST(RaceDetector, LockedAccessesDoNotRace) {
  detector d;
  d.access(1, 0x5000, 4, true);
  d.order.release(1, lock);
  d.order.acquire(2, lock);
  d.access(2, 0x5000, 4, true);
  EXPECT_TRUE(d.races.races().empty());
}

TEST(RaceDetector, ForgottenMemoryHasNoPast) {
  detector d;
  d.access(1, 0x5000, 4, true);
  d.races.forget(0x5000, 0x5fff);
  d.access(2, 0x5000, 4, true);
  EXPECT_TRUE(d.races.races().empty());
}

TEST(RaceDetector, OneReportPerLocation) {
  detector d;
  d.access(1, 0x5000, 4, false);
  d.access(1, 0x5000, 4, true);
  d.access(2, 0x5000, 4, false);
  d.access(2, 0x5000, 4, true);
  EXPECT_EQ(d.races.races().size(), 1u);
  EXPECT_EQ(d.races.racy_sites().size(), 2u);
}

}  // namespace

namespace {

// ---- reads-from, told to run observers (the interleaving feedback is one) ----

struct reads_from_recorder final : weft::sched::run_observer {
  struct seen {
    weft::sched::thread_id reader;
    std::uintptr_t write_site;
    std::uintptr_t read_site;
  };
  std::vector<seen> reads;
  void read_from(weft::sched::thread_id reader, std::uintptr_t write_site,
                 std::uintptr_t read_site) override {
    reads.push_back({reader, write_site, read_site});
  }
};

// Registered for one test; removed even when an assertion returns early.
struct registered {
  reads_from_recorder& observer;
  explicit registered(reads_from_recorder& recorder) : observer(recorder) {
    weft::sched::add_run_observer(observer);
  }
  ~registered() { weft::sched::remove_run_observer(observer); }
};

TEST(RaceDetector, TellsObserversWhichWriteAReadOfAnotherThreadObserved) {
  reads_from_recorder recorder;
  const registered during(recorder);
  detector d;
  d.access(1, 0x7000, 4, true);
  d.access(2, 0x7000, 4, false);
  ASSERT_EQ(recorder.reads.size(), 1u);
  EXPECT_EQ(recorder.reads[0].reader, 2u);
  EXPECT_EQ(recorder.reads[0].write_site, 0x400001u);
  EXPECT_EQ(recorder.reads[0].read_site, 0x400002u);
}

TEST(RaceDetector, TellsNoObserverOfAReadOfTheThreadsOwnWrite) {
  reads_from_recorder recorder;
  const registered during(recorder);
  detector d;
  d.access(1, 0x7000, 4, true);
  d.access(1, 0x7000, 4, false);
  EXPECT_TRUE(recorder.reads.empty());
}

}  // namespace
