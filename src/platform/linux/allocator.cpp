#include "platform/allocator.hpp"

// glibc's own entry points, exported for allocators that replace malloc and forward to it.
extern "C" void __libc_free(void* block);

namespace weft::platform {

void free_for_real(void* block) noexcept {
  __libc_free(block);
}

}  // namespace weft::platform
