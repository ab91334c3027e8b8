// Only libunwind's step-by-step API is used: unw_backtrace would build a 256 KiB cache per thread
// inside the signal handler.
#define UNW_LOCAL_ONLY
#include "platform/linux/unwind.hpp"

#include <dlfcn.h>
#include <libunwind.h>

#include <atomic>
#include <cstdio>
#include <mutex>

#ifndef WEFT_LIBUNWIND_SONAME
#error "WEFT_LIBUNWIND_SONAME must name the libunwind shared object, for example libunwind.so.8"
#endif

namespace {

// The functions behind libunwind's local-unwinding macros (unw_getcontext, unw_init_local, ...).
struct libunwind_api {
  int (*getcontext)(unw_context_t*);
  int (*init_local)(unw_cursor_t*, unw_context_t*);
  int (*init_local2)(unw_cursor_t*, unw_context_t*, int);
  int (*step)(unw_cursor_t*);
  int (*get_reg)(unw_cursor_t*, unw_regnum_t, unw_word_t*);
};

libunwind_api loaded_api;
std::atomic<const libunwind_api*> api{nullptr};  // published once, read by signal handlers
char load_error[256];
std::once_flag load_once;

template <typename function>
bool resolve(void* library, const char* name, function& out) {
  out = reinterpret_cast<function>(dlsym(library, name));
  if (out == nullptr)
    std::snprintf(load_error, sizeof load_error, "%s has no symbol %s", WEFT_LIBUNWIND_SONAME, name);
  return out != nullptr;
}

void load() {
  void* library = dlopen(WEFT_LIBUNWIND_SONAME, RTLD_NOW | RTLD_LOCAL);
  if (library == nullptr) {
    std::snprintf(load_error, sizeof load_error, "cannot load %s: %s", WEFT_LIBUNWIND_SONAME, dlerror());
    return;
  }
  libunwind_api found{};
  if (!resolve(library, "_Ux86_64_getcontext", found.getcontext) ||
      !resolve(library, "_ULx86_64_init_local", found.init_local) ||
      !resolve(library, "_ULx86_64_init_local2", found.init_local2) ||
      !resolve(library, "_ULx86_64_step", found.step) ||
      !resolve(library, "_ULx86_64_get_reg", found.get_reg)) {
    return;
  }
  loaded_api = found;
  api.store(&loaded_api, std::memory_order_release);
}

int walk(const libunwind_api& unwind, unw_cursor_t& cursor, std::uintptr_t* pcs, int max, int skip) {
  int written = 0;
  do {
    unw_word_t ip = 0;
    if (unwind.get_reg(&cursor, UNW_REG_IP, &ip) < 0 || ip == 0) break;
    if (skip > 0) {
      --skip;
      continue;
    }
    pcs[written++] = static_cast<std::uintptr_t>(ip);
  } while (written < max && unwind.step(&cursor) > 0);
  return written;
}

}  // namespace

extern "C" bool weft_unwind_prepare(void) {
  std::call_once(load_once, load);
  if (api.load(std::memory_order_acquire) == nullptr) return false;
  // The first unwind initializes libunwind's global state; do it here, not in a signal handler.
  std::uintptr_t ignored[4];
  weft_unwind_here(ignored, 4, 0);
  return true;
}

extern "C" const char* weft_unwind_error(void) {
  return api.load(std::memory_order_acquire) != nullptr ? nullptr : load_error;
}

extern "C" int weft_unwind_signal_context(void* ucontext, std::uintptr_t* pcs, int max) {
  const libunwind_api* unwind = api.load(std::memory_order_acquire);
  if (unwind == nullptr || max <= 0) return 0;
  unw_cursor_t cursor;
  // On x86-64 unw_context_t is ucontext_t; UNW_INIT_SIGNAL_FRAME says the pc is exact, not a return
  // address, so the first step does not subtract one from it.
  if (unwind->init_local2(&cursor, static_cast<unw_context_t*>(ucontext), UNW_INIT_SIGNAL_FRAME) < 0)
    return 0;
  return walk(*unwind, cursor, pcs, max, 0);
}

extern "C" [[gnu::noinline]] int weft_unwind_here(std::uintptr_t* pcs, int max, int skip) {
  std::call_once(load_once, load);
  const libunwind_api* unwind = api.load(std::memory_order_acquire);
  if (unwind == nullptr || max <= 0) return 0;
  unw_context_t context;
  unw_cursor_t cursor;
  if (unwind->getcontext(&context) < 0 || unwind->init_local(&cursor, &context) < 0) return 0;
  // Frame 0 is this function; the caller asked to start above its own frame.
  return walk(*unwind, cursor, pcs, max, skip + 2);
}
