// The door into a program started by the weft command: glibc's __libc_start_main, interposed, hands
// the program's main to libweft.so, which runs it as the protocol (../protocol.hpp) asks. The whole of
// libweft_preload.so: everything else is libweft's, reached through its internal surface.
#include <dlfcn.h>

#include <cstdio>
#include <cstdlib>

#include "internal/surface.hpp"

namespace weft::cli {
namespace {

using start_main_function = int (*)(internal::main_function, int, char**, void (*)(), void (*)(), void (*)(),
                                    void*);

internal::main_function program_main = nullptr;

int weft_main(int argc, char** argv, char** envp) {
  return internal::run_preloaded_main(program_main, argc, argv, envp);
}

}  // namespace
}  // namespace weft::cli

// Not declared by any glibc header, so there is no declaration whose exception specification this must
// match.
extern "C" __attribute__((visibility("default"))) int __libc_start_main(weft::internal::main_function main,
                                                                        int argc, char** argv, void (*init)(),
                                                                        void (*fini)(), void (*rtld_fini)(),
                                                                        void* stack_end) {
  static const auto real =
      reinterpret_cast<weft::cli::start_main_function>(dlsym(RTLD_NEXT, "__libc_start_main"));
  if (real == nullptr) {
    std::fprintf(stderr, "weft: cannot find glibc's __libc_start_main: %s\n", dlerror());
    std::abort();
  }
  weft::cli::program_main = main;
  return real(weft::cli::weft_main, argc, argv, init, fini, rtld_fini, stack_end);
}
