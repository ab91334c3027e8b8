// The plain-access half of the ABI that -fsanitize=thread compiles to (GCC 12 and clang 14): reads
// and writes of 1 to 16 bytes, aligned or not, volatile or not (the volatile and read-write forms only
// under -mllvm -tsan-distinguish-volatile / -tsan-compound-read-before-write or GCC's
// --param tsan-distinguish-volatile=1), ranges, vtable pointers, function entry and exit, and init.
// Signatures follow compiler-rt's tsan_interface.h. C symbols cannot be templates, hence the macros.
#include <cstddef>
#include <cstdint>

#include "internal/surface.hpp"

namespace {

using weft::internal::access_kind;
using weft::internal::on_plain_access;

}  // namespace

#define WEFT_TSAN_ACCESS(name, size, kind)                          \
  extern "C" void __tsan_##name(void* addr) {                       \
    on_plain_access(addr, size, kind, __builtin_return_address(0)); \
  }

// A compound `x += 1` reports one read-write; the write is what conflicts with other threads.
#define WEFT_TSAN_ACCESSES(size)                                   \
  WEFT_TSAN_ACCESS(read##size, size, access_kind::read)            \
  WEFT_TSAN_ACCESS(write##size, size, access_kind::write)          \
  WEFT_TSAN_ACCESS(volatile_read##size, size, access_kind::read)   \
  WEFT_TSAN_ACCESS(volatile_write##size, size, access_kind::write) \
  WEFT_TSAN_ACCESS(read_write##size, size, access_kind::write)

#define WEFT_TSAN_UNALIGNED_ACCESSES(size)                                   \
  WEFT_TSAN_ACCESS(unaligned_read##size, size, access_kind::read)            \
  WEFT_TSAN_ACCESS(unaligned_write##size, size, access_kind::write)          \
  WEFT_TSAN_ACCESS(unaligned_volatile_read##size, size, access_kind::read)   \
  WEFT_TSAN_ACCESS(unaligned_volatile_write##size, size, access_kind::write) \
  WEFT_TSAN_ACCESS(unaligned_read_write##size, size, access_kind::write)

WEFT_TSAN_ACCESSES(1)
WEFT_TSAN_ACCESSES(2)
WEFT_TSAN_ACCESSES(4)
WEFT_TSAN_ACCESSES(8)
WEFT_TSAN_ACCESSES(16)
WEFT_TSAN_UNALIGNED_ACCESSES(2)
WEFT_TSAN_UNALIGNED_ACCESSES(4)
WEFT_TSAN_UNALIGNED_ACCESSES(8)
WEFT_TSAN_UNALIGNED_ACCESSES(16)

#undef WEFT_TSAN_UNALIGNED_ACCESSES
#undef WEFT_TSAN_ACCESSES
#undef WEFT_TSAN_ACCESS

extern "C" void __tsan_read_range(void* addr, unsigned long size) {
  on_plain_access(addr, size, access_kind::read, __builtin_return_address(0));
}
extern "C" void __tsan_write_range(void* addr, unsigned long size) {
  on_plain_access(addr, size, access_kind::write, __builtin_return_address(0));
}

// memcpy, memmove and memset: GCC 12 and clang 14 leave calls to them as they are (the TSan runtime
// intercepts them), clang 16 and later call __tsan_memcpy and friends instead. weft defines both, so a
// copy that races with a `+=` is seen either way. The copies themselves go to glibc's checked entry
// points, which share the optimized implementations and, given no object size, check nothing.
extern "C" void* __memcpy_chk(void* destination, const void* source, std::size_t size, std::size_t room);
extern "C" void* __memmove_chk(void* destination, const void* source, std::size_t size, std::size_t room);
extern "C" void* __memset_chk(void* destination, int value, std::size_t size, std::size_t room);

namespace {

constexpr std::size_t unknown_room = static_cast<std::size_t>(-1);

void* copy(void* destination, const void* source, std::size_t size, const void* site) {
  on_plain_access(source, size, access_kind::read, site);
  on_plain_access(destination, size, access_kind::write, site);
  return __memcpy_chk(destination, source, size, unknown_room);
}
void* move(void* destination, const void* source, std::size_t size, const void* site) {
  on_plain_access(source, size, access_kind::read, site);
  on_plain_access(destination, size, access_kind::write, site);
  return __memmove_chk(destination, source, size, unknown_room);
}
void* fill(void* destination, int value, std::size_t size, const void* site) {
  on_plain_access(destination, size, access_kind::write, site);
  return __memset_chk(destination, value, size, unknown_room);
}

}  // namespace

extern "C" void* memcpy(void* destination, const void* source, std::size_t size) noexcept {
  return copy(destination, source, size, __builtin_return_address(0));
}
extern "C" void* memmove(void* destination, const void* source, std::size_t size) noexcept {
  return move(destination, source, size, __builtin_return_address(0));
}
extern "C" void* memset(void* destination, int value, std::size_t size) noexcept {
  return fill(destination, value, size, __builtin_return_address(0));
}
extern "C" void* __tsan_memcpy(void* destination, const void* source, std::size_t size) {
  return copy(destination, source, size, __builtin_return_address(0));
}
extern "C" void* __tsan_memmove(void* destination, const void* source, std::size_t size) {
  return move(destination, source, size, __builtin_return_address(0));
}
extern "C" void* __tsan_memset(void* destination, int value, std::size_t size) {
  return fill(destination, value, size, __builtin_return_address(0));
}

// The vtable pointer is read at every virtual call and written by constructors and destructors; a
// call racing with destruction is a race on it like any other.
extern "C" void __tsan_vptr_read(void** vptr_p) {
  on_plain_access(vptr_p, sizeof(void*), access_kind::read, __builtin_return_address(0));
}
extern "C" void __tsan_vptr_update(void** vptr_p, void* new_val) {
  if (*vptr_p != new_val)
    on_plain_access(vptr_p, sizeof(void*), access_kind::write, __builtin_return_address(0));
}

// The shadow call stack of race reports: cheap to keep, where unwinding at every access would not be.
// Kept only in controlled runs. weft needs no start-up: clang's tsan.module_ctor calls __tsan_init
// from every instrumented module.
extern "C" void __tsan_func_entry(void* call_pc) {
  weft::internal::on_function_entry(call_pc);
}
extern "C" void __tsan_func_exit() {
  weft::internal::on_function_exit();
}
extern "C" void __tsan_init() {}

// The heap checks' allocator (heap_hooks.cpp) comes with the hooks: a program refers to nothing there
// that it would not find in the C library first, so the archive member is asked for by name.
extern "C" void weft_heap_hooks_anchor();
[[gnu::used]] static void (*const heap_hooks)() = &weft_heap_hooks_anchor;
// clang brackets functions marked to skip checking at run time (Objective-C's dealloc) with these.
extern "C" void __tsan_ignore_thread_begin() {}
extern "C" void __tsan_ignore_thread_end() {}
