// `weft run`: the program's main as usual, then the leak check of weft::verify_main.
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <exception>
#include <string>
#include <weft/leaks.hpp>
#include <weft/options.hpp>
#include <weft/test_scope.hpp>

#include "cli/preload/preloaded_main.hpp"
#include "cli/preload/result_file.hpp"

namespace weft::cli {

int run_checked(main_function main, int argc, char** argv, char** envp, const preloaded_settings& settings) {
  const int result_fd = open_result_file(settings.result_path);
  // Threads that static constructors started before main belong to the libraries that started them,
  // not to the program's main: they are the baseline.
  const options baseline = options().ignore_current();
  const char* slash = argc > 0 ? std::strrchr(argv[0], '/') : nullptr;
  const std::string program = argc == 0 ? "main" : (slash != nullptr ? slash + 1 : argv[0]);
  int exit_code = 0;
  {
    // Names the creator of every thread main starts in the report: "created ... in test <program>".
    test_scope scope(program);
    exit_code = main(argc, argv, envp);
  }
  bool leaked = false;
  try {
    const leak_report report =
        find_leaks(options(baseline).settle_timeout(std::chrono::milliseconds(settings.settle_ms)));
    leaked = !report.empty();
    if (leaked) {
      std::fflush(stdout);
      std::fprintf(stderr, "%s", report.text().c_str());
      std::fprintf(stderr, "weft run: %s left %zu thread(s) running when main returned\n", program.c_str(),
                   report.thread_count());
    }
  } catch (const std::exception& error) {
    std::fprintf(stderr, "weft run: the leak check failed: %s\n", error.what());
    write_result(result_fd, result_text().add("checked", 0).add("exit", exit_code).text());
    return 2;
  }
  write_result(result_fd,
               result_text().add("checked", 1).add("exit", exit_code).add("leaked", leaked).text());
  if (result_fd >= 0) close(result_fd);
  return leaked && exit_code == 0 ? 1 : exit_code;
}

}  // namespace weft::cli
