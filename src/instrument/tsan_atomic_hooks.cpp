// The atomic half of the ABI that -fsanitize=thread compiles to (GCC 12 and clang 14): every
// __tsan_atomic<bits>_<op> for 8, 16, 32, 64 and 128 bits, and the two fences. Signatures follow
// compiler-rt's tsan_interface_atomic.h; C symbols cannot be templates, hence the one macro.
#include "instrument/atomic_ops.hpp"

namespace {

using a8 = char;
using a16 = short;
using a32 = int;
using a64 = long long;
using a128 = __int128;

}  // namespace

namespace wi = weft::instrument;

#define WEFT_TSAN_ATOMICS(bits)                                                                            \
  extern "C" a##bits __tsan_atomic##bits##_load(const volatile a##bits* a, int mo) {                       \
    return wi::atomic_load(a, mo, __builtin_return_address(0));                                            \
  }                                                                                                        \
  extern "C" void __tsan_atomic##bits##_store(volatile a##bits* a, a##bits v, int mo) {                    \
    wi::atomic_store(a, v, mo, __builtin_return_address(0));                                               \
  }                                                                                                        \
  extern "C" a##bits __tsan_atomic##bits##_exchange(volatile a##bits* a, a##bits v, int mo) {              \
    return wi::atomic_exchange(a, v, mo, __builtin_return_address(0));                                     \
  }                                                                                                        \
  extern "C" a##bits __tsan_atomic##bits##_fetch_add(volatile a##bits* a, a##bits v, int mo) {             \
    return wi::atomic_fetch<wi::fetch_op::add>(a, v, mo, __builtin_return_address(0));                     \
  }                                                                                                        \
  extern "C" a##bits __tsan_atomic##bits##_fetch_sub(volatile a##bits* a, a##bits v, int mo) {             \
    return wi::atomic_fetch<wi::fetch_op::sub>(a, v, mo, __builtin_return_address(0));                     \
  }                                                                                                        \
  extern "C" a##bits __tsan_atomic##bits##_fetch_and(volatile a##bits* a, a##bits v, int mo) {             \
    return wi::atomic_fetch<wi::fetch_op::bit_and>(a, v, mo, __builtin_return_address(0));                 \
  }                                                                                                        \
  extern "C" a##bits __tsan_atomic##bits##_fetch_or(volatile a##bits* a, a##bits v, int mo) {              \
    return wi::atomic_fetch<wi::fetch_op::bit_or>(a, v, mo, __builtin_return_address(0));                  \
  }                                                                                                        \
  extern "C" a##bits __tsan_atomic##bits##_fetch_xor(volatile a##bits* a, a##bits v, int mo) {             \
    return wi::atomic_fetch<wi::fetch_op::bit_xor>(a, v, mo, __builtin_return_address(0));                 \
  }                                                                                                        \
  extern "C" a##bits __tsan_atomic##bits##_fetch_nand(volatile a##bits* a, a##bits v, int mo) {            \
    return wi::atomic_fetch<wi::fetch_op::nand>(a, v, mo, __builtin_return_address(0));                    \
  }                                                                                                        \
  extern "C" int __tsan_atomic##bits##_compare_exchange_strong(volatile a##bits* a, a##bits* c, a##bits v, \
                                                               int mo, int fmo) {                          \
    return wi::atomic_compare_exchange<false>(a, c, v, mo, fmo, __builtin_return_address(0));              \
  }                                                                                                        \
  extern "C" int __tsan_atomic##bits##_compare_exchange_weak(volatile a##bits* a, a##bits* c, a##bits v,   \
                                                             int mo, int fmo) {                            \
    return wi::atomic_compare_exchange<true>(a, c, v, mo, fmo, __builtin_return_address(0));               \
  }                                                                                                        \
  extern "C" a##bits __tsan_atomic##bits##_compare_exchange_val(volatile a##bits* a, a##bits c, a##bits v, \
                                                                int mo, int fmo) {                         \
    return wi::atomic_compare_exchange_value(a, c, v, mo, fmo, __builtin_return_address(0));               \
  }

WEFT_TSAN_ATOMICS(8)
WEFT_TSAN_ATOMICS(16)
WEFT_TSAN_ATOMICS(32)
WEFT_TSAN_ATOMICS(64)
WEFT_TSAN_ATOMICS(128)

#undef WEFT_TSAN_ATOMICS

// Fences touch no object, and a controlled run is sequentially consistent already: no point, but a
// release fence publishes what later relaxed stores carry, and an acquire fence takes in what earlier
// relaxed loads saw.
extern "C" void __tsan_atomic_thread_fence(int mo) {
  weft::internal::on_fence(mo);
  __atomic_thread_fence(mo);
}
extern "C" void __tsan_atomic_signal_fence(int mo) {
  __atomic_signal_fence(mo);
}
