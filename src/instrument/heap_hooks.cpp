// The program's allocator, for the heap checks of controlled runs (src/sched/heap_checker.hpp): the
// malloc family and every replaceable operator new and delete, defined here so that a program that
// links weft::instrument uses them wherever it allocates, its libraries included. Each forwards to
// the C library's own entry points (__libc_malloc and friends, which glibc exports for allocators that
// wrap it); while a controlled run is in progress, each also tells libweft what it allocated or is
// about to free, and a free may be held back in the run's quarantine. Outside a run the cost is one
// relaxed load per call.
#include <cerrno>
#include <cstddef>
#include <new>

#include "internal/surface.hpp"

extern "C" {
void* __libc_malloc(std::size_t size);
void* __libc_calloc(std::size_t count, std::size_t size);
void* __libc_realloc(void* block, std::size_t size);
void* __libc_memalign(std::size_t alignment, std::size_t size);
void* __libc_valloc(std::size_t size);
void* __libc_pvalloc(std::size_t size);
void __libc_free(void* block);
std::size_t malloc_usable_size(void* block) noexcept;
void* __memcpy_chk(void* destination, const void* source, std::size_t size, std::size_t room);
}

namespace {

using weft::internal::heap_allocated;
using weft::internal::heap_checked;
using weft::internal::heap_freeing;

void* allocated(void* block, std::size_t size, const void* site) {
  if (block != nullptr && heap_checked()) heap_allocated(block, size, site);
  return block;
}

void release(void* block, const void* site) {
  if (block == nullptr) return;
  if (heap_checked() && !heap_freeing(block, site)) return;
  __libc_free(block);
}

void* aligned(std::size_t alignment, std::size_t size, const void* site) {
  return allocated(__libc_memalign(alignment, size), size, site);
}

// In a run, a reallocation always moves the block: the old one is freed like any other, so it goes to
// the quarantine, and a pointer still held to it is caught like any pointer to freed memory.
void* reallocate(void* block, std::size_t size, const void* site) {
  if (!heap_checked()) return __libc_realloc(block, size);
  if (block == nullptr) return allocated(__libc_malloc(size), size, site);
  if (size == 0) {  // glibc's realloc frees the block and returns null
    release(block, site);
    return nullptr;
  }
  void* moved = __libc_malloc(size);
  if (moved == nullptr) return nullptr;
  const std::size_t old_size = malloc_usable_size(block);
  __memcpy_chk(moved, block, old_size < size ? old_size : size, static_cast<std::size_t>(-1));
  allocated(moved, size, site);
  release(block, site);
  return moved;
}

// operator new: the C library's block, or the new_handler's help, or std::bad_alloc.
void* new_block(std::size_t size, std::size_t alignment, const void* site) {
  for (;;) {
    void* block = alignment <= __STDCPP_DEFAULT_NEW_ALIGNMENT__ ? __libc_malloc(size)
                                                                : __libc_memalign(alignment, size);
    if (block != nullptr) return allocated(block, size, site);
    std::new_handler handler = std::get_new_handler();
    if (handler == nullptr) throw std::bad_alloc();
    handler();
  }
}

void* new_block_or_null(std::size_t size, std::size_t alignment, const void* site) noexcept {
  try {
    return new_block(size, alignment, site);
  } catch (...) {
    return nullptr;
  }
}

constexpr std::size_t plain = __STDCPP_DEFAULT_NEW_ALIGNMENT__;

bool is_power_of_two(std::size_t alignment) {
  return alignment != 0 && (alignment & (alignment - 1)) == 0;
}

}  // namespace

// Keeps this file in every program that links the archive: tsan_memory_hooks.cpp, which every
// instrumented object needs, refers to it.
extern "C" void weft_heap_hooks_anchor() {}

extern "C" void* malloc(std::size_t size) noexcept {
  return allocated(__libc_malloc(size), size, __builtin_return_address(0));
}
extern "C" void* calloc(std::size_t count, std::size_t size) noexcept {
  // __libc_calloc refuses a product that overflows, so count * size is the block's size when it
  // returns one.
  return allocated(__libc_calloc(count, size), count * size, __builtin_return_address(0));
}
extern "C" void* realloc(void* block, std::size_t size) noexcept {
  return reallocate(block, size, __builtin_return_address(0));
}
extern "C" void* reallocarray(void* block, std::size_t count, std::size_t size) noexcept {
  std::size_t total = 0;
  if (__builtin_mul_overflow(count, size, &total)) {
    errno = ENOMEM;
    return nullptr;
  }
  return reallocate(block, total, __builtin_return_address(0));
}
extern "C" void free(void* block) noexcept {
  release(block, __builtin_return_address(0));
}
extern "C" void* aligned_alloc(std::size_t alignment, std::size_t size) noexcept {
  if (!is_power_of_two(alignment)) {  // as glibc's aligned_alloc refuses it
    errno = EINVAL;
    return nullptr;
  }
  return aligned(alignment, size, __builtin_return_address(0));
}
extern "C" void* memalign(std::size_t alignment, std::size_t size) noexcept {
  return aligned(alignment, size, __builtin_return_address(0));
}
extern "C" int posix_memalign(void** result, std::size_t alignment, std::size_t size) noexcept {
  if (alignment % sizeof(void*) != 0 || !is_power_of_two(alignment)) return EINVAL;
  void* block = aligned(alignment, size, __builtin_return_address(0));
  if (block == nullptr) return ENOMEM;
  *result = block;
  return 0;
}
extern "C" void* valloc(std::size_t size) noexcept {
  return allocated(__libc_valloc(size), size, __builtin_return_address(0));
}
extern "C" void* pvalloc(std::size_t size) noexcept {
  return allocated(__libc_pvalloc(size), size, __builtin_return_address(0));
}

void* operator new(std::size_t size) {
  return new_block(size, plain, __builtin_return_address(0));
}
void* operator new[](std::size_t size) {
  return new_block(size, plain, __builtin_return_address(0));
}
void* operator new(std::size_t size, const std::nothrow_t&) noexcept {
  return new_block_or_null(size, plain, __builtin_return_address(0));
}
void* operator new[](std::size_t size, const std::nothrow_t&) noexcept {
  return new_block_or_null(size, plain, __builtin_return_address(0));
}
void* operator new(std::size_t size, std::align_val_t alignment) {
  return new_block(size, static_cast<std::size_t>(alignment), __builtin_return_address(0));
}
void* operator new[](std::size_t size, std::align_val_t alignment) {
  return new_block(size, static_cast<std::size_t>(alignment), __builtin_return_address(0));
}
void* operator new(std::size_t size, std::align_val_t alignment, const std::nothrow_t&) noexcept {
  return new_block_or_null(size, static_cast<std::size_t>(alignment), __builtin_return_address(0));
}
void* operator new[](std::size_t size, std::align_val_t alignment, const std::nothrow_t&) noexcept {
  return new_block_or_null(size, static_cast<std::size_t>(alignment), __builtin_return_address(0));
}

void operator delete(void* block) noexcept {
  release(block, __builtin_return_address(0));
}
void operator delete[](void* block) noexcept {
  release(block, __builtin_return_address(0));
}
void operator delete(void* block, std::size_t) noexcept {
  release(block, __builtin_return_address(0));
}
void operator delete[](void* block, std::size_t) noexcept {
  release(block, __builtin_return_address(0));
}
void operator delete(void* block, std::align_val_t) noexcept {
  release(block, __builtin_return_address(0));
}
void operator delete[](void* block, std::align_val_t) noexcept {
  release(block, __builtin_return_address(0));
}
void operator delete(void* block, std::size_t, std::align_val_t) noexcept {
  release(block, __builtin_return_address(0));
}
void operator delete[](void* block, std::size_t, std::align_val_t) noexcept {
  release(block, __builtin_return_address(0));
}
void operator delete(void* block, const std::nothrow_t&) noexcept {
  release(block, __builtin_return_address(0));
}
void operator delete[](void* block, const std::nothrow_t&) noexcept {
  release(block, __builtin_return_address(0));
}
void operator delete(void* block, std::align_val_t, const std::nothrow_t&) noexcept {
  release(block, __builtin_return_address(0));
}
void operator delete[](void* block, std::align_val_t, const std::nothrow_t&) noexcept {
  release(block, __builtin_return_address(0));
}
