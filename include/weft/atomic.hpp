// weft::atomic<T>: a drop-in for std::atomic<T> whose every operation is a scheduling point in a
// controlled run (weft::explore), so interleavings between atomic operations are explored; a store or
// read-modify-write that releases (release, acq_rel or seq_cst) is followed by a second point, where
// another thread may run before the caller goes on. Outside a controlled run each operation is the
// std::atomic operation plus one or two relaxed loads of a global flag.
#pragma once

#include <atomic>
#include <type_traits>

// libweft exports the public API and hides the rest (docs/architecture.md).
#pragma GCC visibility push(default)
namespace weft {
namespace detail {

enum class atomic_access { load, store, read_modify_write };

// Non-zero while any controlled run is in progress; the fast path reads it and nothing else.
extern std::atomic<int> controlled_runs;

// The scheduling point itself, and the operation's effect on happens-before (its memory order, as
// std::memory_order's value); does nothing for a thread outside the run.
void atomic_point(atomic_access access, const void* object, int memory_order);

// After an operation that released (a store or read-modify-write with release, acq_rel or seq_cst
// order): a point where another thread may run before the caller goes on.
void after_release_point(const void* object);

// Every function between the program's call and the scheduling point is inlined into the caller even
// without optimization: the point's call site (stories and reports name it) is then the caller's line,
// not a line of this header.
#define WEFT_AT_CALLER [[gnu::always_inline]]

// One operation's scheduling points: one before it, and one after it when it released.
class operation_points {
 public:
  WEFT_AT_CALLER operation_points(atomic_access access, const void* object, std::memory_order order) noexcept
      : object_(object),
        releases_(access != atomic_access::load &&
                  (order == std::memory_order_release || order == std::memory_order_acq_rel ||
                   order == std::memory_order_seq_cst)) {
    if (controlled_runs.load(std::memory_order_relaxed) != 0)
      atomic_point(access, object, static_cast<int>(order));
  }
  WEFT_AT_CALLER ~operation_points() {
    if (releases_ && controlled_runs.load(std::memory_order_relaxed) != 0) after_release_point(object_);
  }
  operation_points(const operation_points&) = delete;
  operation_points& operator=(const operation_points&) = delete;
  // A compare-exchange that failed only read.
  WEFT_AT_CALLER void did_not_release() noexcept { releases_ = false; }

 private:
  const void* object_;
  bool releases_;
};

}  // namespace detail

template <typename T>
class atomic {
 public:
  static_assert(std::is_trivially_copyable_v<T>,
                "weft::atomic<T> needs a trivially copyable T, as std::atomic");
  using value_type = T;

  atomic() noexcept = default;
  constexpr atomic(T desired) noexcept : value_(desired) {}  // NOLINT(google-explicit-constructor)
  atomic(const atomic&) = delete;
  atomic& operator=(const atomic&) = delete;

  WEFT_AT_CALLER T load(std::memory_order order = std::memory_order_seq_cst) const noexcept {
    detail::operation_points points(detail::atomic_access::load, this, order);
    return value_.load(order);
  }
  WEFT_AT_CALLER void store(T desired, std::memory_order order = std::memory_order_seq_cst) noexcept {
    detail::operation_points points(detail::atomic_access::store, this, order);
    value_.store(desired, order);
  }
  WEFT_AT_CALLER operator T() const noexcept { return load(); }  // NOLINT(google-explicit-constructor)
  WEFT_AT_CALLER T operator=(T desired) noexcept {
    store(desired);
    return desired;
  }
  WEFT_AT_CALLER T exchange(T desired, std::memory_order order = std::memory_order_seq_cst) noexcept {
    detail::operation_points points(detail::atomic_access::read_modify_write, this, order);
    return value_.exchange(desired, order);
  }
  WEFT_AT_CALLER bool compare_exchange_weak(T& expected, T desired,
                                            std::memory_order order = std::memory_order_seq_cst) noexcept {
    detail::operation_points points(detail::atomic_access::read_modify_write, this, order);
    const bool exchanged = value_.compare_exchange_weak(expected, desired, order);
    if (!exchanged) points.did_not_release();
    return exchanged;
  }
  WEFT_AT_CALLER bool compare_exchange_strong(T& expected, T desired,
                                              std::memory_order order = std::memory_order_seq_cst) noexcept {
    detail::operation_points points(detail::atomic_access::read_modify_write, this, order);
    const bool exchanged = value_.compare_exchange_strong(expected, desired, order);
    if (!exchanged) points.did_not_release();
    return exchanged;
  }

  // Arithmetic and bitwise operations, for the types std::atomic offers them for.
  template <typename U = T, typename = std::enable_if_t<std::is_integral_v<U> || std::is_pointer_v<U>>>
  WEFT_AT_CALLER T fetch_add(std::conditional_t<std::is_pointer_v<U>, std::ptrdiff_t, U> arg,
                             std::memory_order order = std::memory_order_seq_cst) noexcept {
    detail::operation_points points(detail::atomic_access::read_modify_write, this, order);
    return value_.fetch_add(arg, order);
  }
  template <typename U = T, typename = std::enable_if_t<std::is_integral_v<U> || std::is_pointer_v<U>>>
  WEFT_AT_CALLER T fetch_sub(std::conditional_t<std::is_pointer_v<U>, std::ptrdiff_t, U> arg,
                             std::memory_order order = std::memory_order_seq_cst) noexcept {
    detail::operation_points points(detail::atomic_access::read_modify_write, this, order);
    return value_.fetch_sub(arg, order);
  }
  template <typename U = T, typename = std::enable_if_t<std::is_integral_v<U>>>
  WEFT_AT_CALLER T fetch_and(U arg, std::memory_order order = std::memory_order_seq_cst) noexcept {
    detail::operation_points points(detail::atomic_access::read_modify_write, this, order);
    return value_.fetch_and(arg, order);
  }
  template <typename U = T, typename = std::enable_if_t<std::is_integral_v<U>>>
  WEFT_AT_CALLER T fetch_or(U arg, std::memory_order order = std::memory_order_seq_cst) noexcept {
    detail::operation_points points(detail::atomic_access::read_modify_write, this, order);
    return value_.fetch_or(arg, order);
  }
  template <typename U = T, typename = std::enable_if_t<std::is_integral_v<U>>>
  WEFT_AT_CALLER T fetch_xor(U arg, std::memory_order order = std::memory_order_seq_cst) noexcept {
    detail::operation_points points(detail::atomic_access::read_modify_write, this, order);
    return value_.fetch_xor(arg, order);
  }
  template <typename U = T, typename = std::enable_if_t<std::is_integral_v<U> || std::is_pointer_v<U>>>
  WEFT_AT_CALLER T operator++() noexcept {
    return fetch_add(1) + 1;
  }
  template <typename U = T, typename = std::enable_if_t<std::is_integral_v<U> || std::is_pointer_v<U>>>
  WEFT_AT_CALLER T operator++(int) noexcept {
    return fetch_add(1);
  }
  template <typename U = T, typename = std::enable_if_t<std::is_integral_v<U> || std::is_pointer_v<U>>>
  WEFT_AT_CALLER T operator--() noexcept {
    return fetch_sub(1) - 1;
  }
  template <typename U = T, typename = std::enable_if_t<std::is_integral_v<U> || std::is_pointer_v<U>>>
  WEFT_AT_CALLER T operator--(int) noexcept {
    return fetch_sub(1);
  }
  template <typename U = T, typename = std::enable_if_t<std::is_integral_v<U>>>
  WEFT_AT_CALLER T operator+=(U arg) noexcept {
    return fetch_add(arg) + arg;
  }
  template <typename U = T, typename = std::enable_if_t<std::is_integral_v<U>>>
  WEFT_AT_CALLER T operator-=(U arg) noexcept {
    return fetch_sub(arg) - arg;
  }

  [[nodiscard]] bool is_lock_free() const noexcept { return value_.is_lock_free(); }

 private:
  std::atomic<T> value_;
};

}  // namespace weft
#undef WEFT_AT_CALLER
#pragma GCC visibility pop
