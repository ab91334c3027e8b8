// Compiled with -fsanitize=thread and no libtsan: every access below calls one of weft's hooks. Orders
// are compile-time constants here, as in real code, so the compilers emit one hook call per order.
#include "probe.hpp"

#include <atomic>
#include <cstdint>
#include <cstring>

namespace weft_test::WEFT_PROBE_NAMESPACE {
namespace {

template <typename T>
void check(std::string& wrong, const char* type, const char* what, T seen, T expected) {
  if (seen != expected) {
    wrong += std::string(type) + " " + what + ": got " + std::to_string(static_cast<long long>(seen)) +
             ", expected " + std::to_string(static_cast<long long>(expected)) + "\n";
  }
}

template <typename T, int order>
void check_one_order(std::string& wrong, const char* type) {
  constexpr int load_order =
      order == __ATOMIC_RELEASE || order == __ATOMIC_ACQ_REL ? __ATOMIC_ACQUIRE : order;
  constexpr int store_order =
      order == __ATOMIC_ACQUIRE || order == __ATOMIC_CONSUME || order == __ATOMIC_ACQ_REL ? __ATOMIC_RELEASE
                                                                                          : order;
  // A failed compare-exchange only loads, and may not be stronger than the exchange itself.
  constexpr int failure_order = order == __ATOMIC_RELEASE ? __ATOMIC_RELAXED : load_order;
  alignas(sizeof(T)) T value = 0;
  __atomic_store_n(&value, T(5), store_order);
  check(wrong, type, "load", __atomic_load_n(&value, load_order), T(5));
  check(wrong, type, "exchange", __atomic_exchange_n(&value, T(7), order), T(5));
  check(wrong, type, "fetch_add", __atomic_fetch_add(&value, T(3), order), T(7));
  check(wrong, type, "fetch_sub", __atomic_fetch_sub(&value, T(4), order), T(10));
  check(wrong, type, "fetch_and", __atomic_fetch_and(&value, T(3), order), T(6));
  check(wrong, type, "fetch_or", __atomic_fetch_or(&value, T(5), order), T(2));
  check(wrong, type, "fetch_xor", __atomic_fetch_xor(&value, T(1), order), T(7));
  check(wrong, type, "fetch_nand", __atomic_fetch_nand(&value, T(3), order), T(6));
  check(wrong, type, "after fetch_nand", __atomic_load_n(&value, load_order), T(~T(6 & 3)));
  T expected = 0;
  check(wrong, type, "failed compare_exchange_strong",
        static_cast<T>(__atomic_compare_exchange_n(&value, &expected, T(9), false, order, failure_order)),
        T(0));
  check(wrong, type, "expected after a failed compare_exchange", expected, T(~T(6 & 3)));
  check(wrong, type, "compare_exchange_strong",
        static_cast<T>(__atomic_compare_exchange_n(&value, &expected, T(9), false, order, failure_order)),
        T(1));
  expected = 9;
  // A weak compare-exchange may fail spuriously; a bounded retry separates that from a wrong result.
  bool swapped = false;
  for (int attempt = 0; attempt < 1000 && !swapped; ++attempt) {
    swapped = __atomic_compare_exchange_n(&value, &expected, T(11), true, order, failure_order);
  }
  check(wrong, type, "compare_exchange_weak", static_cast<T>(swapped), T(1));
  check(wrong, type, "compare-and-swap returning the old value",
        __sync_val_compare_and_swap(&value, T(11), T(12)), T(11));
  check(wrong, type, "failed compare-and-swap returning the old value",
        __sync_val_compare_and_swap(&value, T(0), T(13)), T(12));
  check(wrong, type, "bool compare-and-swap",
        static_cast<T>(__sync_bool_compare_and_swap(&value, T(12), T(1))), T(1));
}

template <typename T>
void check_every_order(std::string& wrong, const char* type) {
  check_one_order<T, __ATOMIC_RELAXED>(wrong, type);
  check_one_order<T, __ATOMIC_CONSUME>(wrong, type);
  check_one_order<T, __ATOMIC_ACQUIRE>(wrong, type);
  check_one_order<T, __ATOMIC_RELEASE>(wrong, type);
  check_one_order<T, __ATOMIC_ACQ_REL>(wrong, type);
  check_one_order<T, __ATOMIC_SEQ_CST>(wrong, type);
}

struct shape {
  virtual ~shape() = default;
  [[nodiscard]] virtual int corners() const { return 0; }
};
struct square final : shape {
  [[nodiscard]] int corners() const override { return 4; }
};

struct __attribute__((packed)) packed_fields {
  char tag;
  std::int16_t a16;
  std::int32_t a32;
  std::int64_t a64;
  __int128 a128;
};

struct block {
  char bytes[200];
};

// Not inlined, so that the accesses go through memory and the hooks.
[[gnu::noinline]] int call_corners(const shape& s) {
  return s.corners();
}
[[gnu::noinline]] void copy_block(block& to, const block& from) {
  to = from;
}
[[gnu::noinline]] void fill_unaligned(packed_fields& fields) {
  fields.a16 = 16;
  fields.a32 = 32;
  fields.a64 = 64;
  fields.a128 = 128;
}
[[gnu::noinline]] __int128 sum_unaligned(const packed_fields& fields) {
  return fields.a16 + fields.a32 + fields.a64 + fields.a128;
}
[[gnu::noinline]] void increment(std::int32_t& plain, std::int64_t& wide) {
  plain += 1;
  wide += 1;
}

}  // namespace

std::string atomic_operations_misbehaving() {
  std::string wrong;
  check_every_order<std::int8_t>(wrong, "int8");
  check_every_order<std::int16_t>(wrong, "int16");
  check_every_order<std::int32_t>(wrong, "int32");
  check_every_order<std::int64_t>(wrong, "int64");
  check_every_order<__int128>(wrong, "int128");
  std::atomic_thread_fence(std::memory_order_seq_cst);
  std::atomic_signal_fence(std::memory_order_seq_cst);
  return wrong;
}

std::string plain_accesses_misbehaving() {
  std::string wrong;
  volatile std::int8_t v8 = 1;
  volatile std::int16_t v16 = 2;
  volatile std::int32_t v32 = 3;
  volatile std::int64_t v64 = 4;
  v8 = v8 + 1;
  v16 = v16 + 1;
  v32 = v32 + 1;
  v64 = v64 + 1;
  check(wrong, "volatile", "sum", v8 + v16 + v32 + v64, std::int64_t(14));
  packed_fields packed{};
  fill_unaligned(packed);
  check(wrong, "unaligned", "sum", sum_unaligned(packed), __int128(240));
  std::int32_t plain = 1;
  std::int64_t wide = 2;
  increment(plain, wide);
  check(wrong, "compound", "sum", plain + wide, std::int64_t(5));
  block from{};
  block to{};
  std::memset(from.bytes, 7, sizeof(from.bytes));
  copy_block(to, from);
  check(wrong, "block", "copied byte", int(to.bytes[199]), 7);
  auto* owned = new square;
  check(wrong, "virtual", "call", call_corners(*owned), 4);
  delete owned;
  return wrong;
}

}  // namespace weft_test::WEFT_PROBE_NAMESPACE
