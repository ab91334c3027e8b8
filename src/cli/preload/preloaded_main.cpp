// The program's main under the weft command's protocol (../protocol.hpp), libweft's side of the
// preload: the preload library (start_main.cpp) hands main over through the internal surface.
#include "cli/preload/preloaded_main.hpp"

#include <cstdio>
#include <cstdlib>
#include <string>

#include "cli/protocol.hpp"
#include "internal/surface.hpp"

namespace weft {
namespace cli {

void forget_protocol_for_children() {
  const char* asan_text = std::getenv(asan_preload_variable);
  // The first entry of that name only: the user's own LD_PRELOAD, after weft's, keeps its copy.
  std::string asan_runtime = asan_text != nullptr ? asan_text : "";
  for (const char* name :
       {mode_variable, result_variable, strategy_variable, seed_variable, depth_variable, run_variable,
        replay_variable, trace_variable, hard_timeout_variable, settle_variable, remote_variable,
        races_variable, max_steps_variable, asan_preload_variable, server_variable}) {
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
    bool ours = entry.find("libweft_preload.so") != std::string::npos ||
                entry.find("libweft.so") != std::string::npos;
    if (!asan_runtime.empty() && entry == asan_runtime) {
      ours = true;
      asan_runtime.clear();
    }
    if (!entry.empty() && !ours) kept += (kept.empty() ? "" : ":") + entry;
    start = end + 1;
  }
  if (kept.empty()) {
    unsetenv("LD_PRELOAD");
  } else {
    setenv("LD_PRELOAD", kept.c_str(), 1);
  }
}

}  // namespace cli

namespace internal {

int run_preloaded_main(main_function program_main, int argc, char** argv, char** envp) {
  const char* mode_text = std::getenv(cli::mode_variable);
  const std::string mode = mode_text != nullptr ? mode_text : "";
  if (mode.empty()) return program_main(argc, argv, envp);
  // Each run the server forks comes back here with its own settings, mode "controlled".
  if (mode == "serve") return cli::serve_runs(program_main);
  cli::preloaded_settings settings = cli::read_settings();
  cli::forget_protocol_for_children();
  if (mode == "run") return cli::run_checked(program_main, argc, argv, envp, settings);
  if (mode == "controlled") return cli::run_controlled(program_main, argc, argv, envp, settings);
  std::fprintf(
      stderr,
      "weft: %s must be run, controlled or serve; got \"%s\" (a weft bug: the weft command sets it)\n",
      cli::mode_variable, mode.c_str());
  return 4;
}

}  // namespace internal
}  // namespace weft
