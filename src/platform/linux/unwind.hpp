// weft's only door to libunwind.
//
// libunwind.so exports the _Unwind_* exception ABI and a weak `backtrace`; linked like any library it
// could take over C++ exception handling and glibc's backtrace() for the whole process (and Debian's
// libunwind.a is not position-independent, so it cannot be linked privately into a shared weft).
// weft therefore loads libunwind with dlopen(RTLD_LOCAL): its symbols are reachable only through the
// handle weft holds, never through the process's global lookup.
#pragma once

#include <cstdint>

extern "C" {

// Loads libunwind and runs its one-time initialization. Call once outside any signal handler before
// the first weft_unwind_signal_context. Returns false when libunwind cannot be loaded; then
// weft_unwind_error() says why and every unwind returns 0.
bool weft_unwind_prepare(void);

// Why libunwind is unavailable, or nullptr when it is loaded.
const char* weft_unwind_error(void);

// Unwinds the thread interrupted by a signal from the handler's `ucontext` argument into `pcs`,
// innermost first: pcs[0] is the interrupted pc. Async-signal-safe once weft_unwind_prepare returned:
// no allocation, no lock a signal could interrupt. Returns the number of pcs written.
int weft_unwind_signal_context(void* ucontext, std::uintptr_t* pcs, int max);

// Unwinds the calling thread into `pcs`, leaving out the caller of this function and `skip` more
// frames. Loads libunwind on first use. Returns the count written.
int weft_unwind_here(std::uintptr_t* pcs, int max, int skip);
}
