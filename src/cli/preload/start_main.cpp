// The door into a program started by the weft command: glibc's __libc_start_main, interposed, hands
// the program's main to weft, which runs it as the protocol (../protocol.hpp) asks.
#include <dlfcn.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "cli/preload/preloaded_main.hpp"
#include "cli/protocol.hpp"

namespace weft::cli {
namespace {

using start_main_function = int (*)(main_function, int, char**, void (*)(), void (*)(), void (*)(), void*);

main_function program_main = nullptr;

// The weft command's settings are for this process only: a program that starts others (a test
// runner spawning workers, a shell) must not make them run controlled too, or write our result file.
void forget_protocol_for_children() {
  for (const char* name : {mode_variable, result_variable, strategy_variable, seed_variable, depth_variable,
                           run_variable, replay_variable, trace_variable, hard_timeout_variable,
                           settle_variable, remote_variable, races_variable}) {
    unsetenv(name);
  }
  const char* preload = std::getenv("LD_PRELOAD");
  if (preload == nullptr) return;
  std::string kept;
  std::string list = preload;
  std::size_t start = 0;
  while (start <= list.size()) {
    const std::size_t end = std::min(list.find_first_of(": ", start), list.size());
    const std::string entry = list.substr(start, end - start);
    const bool ours = entry.find("libweft_preload.so") != std::string::npos ||
                      entry.find("libweft.so") != std::string::npos;
    if (!entry.empty() && !ours) kept += (kept.empty() ? "" : ":") + entry;
    start = end + 1;
  }
  if (kept.empty()) {
    unsetenv("LD_PRELOAD");
  } else {
    setenv("LD_PRELOAD", kept.c_str(), 1);
  }
}

int weft_main(int argc, char** argv, char** envp) {
  const char* mode_text = std::getenv(mode_variable);
  const std::string mode = mode_text != nullptr ? mode_text : "";
  if (mode.empty()) return program_main(argc, argv, envp);
  preloaded_settings settings = read_settings();
  forget_protocol_for_children();
  if (mode == "run") return run_checked(program_main, argc, argv, envp, settings);
  if (mode == "controlled") return run_controlled(program_main, argc, argv, envp, settings);
  std::fprintf(stderr,
               "weft: %s must be run or controlled; got \"%s\" (a weft bug: the weft command sets it)\n",
               mode_variable, mode.c_str());
  return 4;
}

}  // namespace
}  // namespace weft::cli

// Not declared by any glibc header, so there is no declaration whose exception specification this must
// match.
extern "C" __attribute__((visibility("default"))) int __libc_start_main(weft::cli::main_function main,
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
