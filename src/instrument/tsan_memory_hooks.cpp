// The plain-access half of the ABI that -fsanitize=thread compiles to (GCC 12 and clang 14): reads
// and writes of 1 to 16 bytes, aligned or not, volatile or not (the volatile and read-write forms only
// under -mllvm -tsan-distinguish-volatile / -tsan-compound-read-before-write or GCC's
// --param tsan-distinguish-volatile=1), ranges, vtable pointers, function entry and exit, and init.
// Signatures follow compiler-rt's tsan_interface.h. C symbols cannot be templates, hence the macros.
#include <cstddef>

#include "instrument/shared_addresses.hpp"

namespace {

using weft::instrument::access_kind;
using weft::instrument::on_plain_access;

}  // namespace

#define WEFT_TSAN_ACCESS(name, size, kind)    \
  extern "C" void __tsan_##name(void* addr) { \
    on_plain_access(addr, size, kind);        \
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
  on_plain_access(addr, size, access_kind::read);
}
extern "C" void __tsan_write_range(void* addr, unsigned long size) {
  on_plain_access(addr, size, access_kind::write);
}

// The vtable pointer is read at every virtual call and written by constructors and destructors; a
// call racing with destruction is a race on it like any other.
extern "C" void __tsan_vptr_read(void** vptr_p) {
  on_plain_access(vptr_p, sizeof(void*), access_kind::read);
}
extern "C" void __tsan_vptr_update(void** vptr_p, void* new_val) {
  if (*vptr_p != new_val) on_plain_access(vptr_p, sizeof(void*), access_kind::write);
}

// weft keeps no shadow stack and needs no start-up: stacks come from unwinding when a report needs
// them, and the scheduler starts with the first controlled run. clang's tsan.module_ctor calls
// __tsan_init from every instrumented module.
extern "C" void __tsan_func_entry(void* /*call_pc*/) {}
extern "C" void __tsan_func_exit() {}
extern "C" void __tsan_init() {}
// clang brackets functions marked to skip checking at run time (Objective-C's dealloc) with these.
extern "C" void __tsan_ignore_thread_begin() {}
extern "C" void __tsan_ignore_thread_end() {}
