// Which plain memory accesses of a controlled run are scheduling points: those to addresses that more
// than one thread of the run has touched. An address only one thread uses cannot race, and making
// every stack access a point would bury the strategies in steps that change nothing.
#pragma once

#include <atomic>
#include <cstddef>

#include "weft/atomic.hpp"

namespace weft::instrument {

enum class access_kind { read, write };

// The slow path, for when a controlled run is in progress: records that the calling managed thread
// touches [address, address + size) and, when another thread of its run touched any 8-byte granule of
// it before, makes the access a scheduling point (atomic_load for reads, atomic_store for writes).
// Returns at once for threads outside a run, released threads and weft's own code.
void shared_access_point(const void* address, std::size_t size, access_kind kind);

// What every plain-access hook does: one relaxed load when no controlled run is in progress.
inline void on_plain_access(const void* address, std::size_t size, access_kind kind) {
  if (detail::controlled_runs.load(std::memory_order_relaxed) != 0) shared_access_point(address, size, kind);
}

}  // namespace weft::instrument
