// `weft run`: the program's main as usual, then the leak check of weft::verify_main.
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <string>
#include <weft/leaks.hpp>
#include <weft/options.hpp>
#include <weft/test_scope.hpp>

#include "cli/preload/preloaded_main.hpp"
#include "cli/preload/result_file.hpp"
#include "sched/child_run.hpp"

namespace weft::cli {
namespace {

// What the check needs, kept for the exit handler of a program that ends with exit() instead of
// returning from main. Never destroyed: exit handlers run after static destructors may have begun.
struct check_context {
  options baseline;
  std::string program;
  long settle_ms = 0;
  int result_fd = -1;
  bool done = false;  // main returned and was checked, or the exit handler checked
};
check_context* context = nullptr;

// The leak check of weft::verify_main; returns the exit code to end with, given the program's.
int check(check_context& checked, int exit_code, const char* how_it_ended) {
  checked.done = true;
  bool leaked = false;
  try {
    const leak_report report =
        find_leaks(options(checked.baseline).settle_timeout(std::chrono::milliseconds(checked.settle_ms)));
    leaked = !report.empty();
    if (leaked) {
      std::fflush(stdout);
      std::fprintf(stderr, "%s", report.text().c_str());
      std::fprintf(stderr, "weft run: %s left %zu thread(s) running when %s\n", checked.program.c_str(),
                   report.thread_count(), how_it_ended);
    }
  } catch (const std::exception& error) {
    std::fprintf(stderr, "weft run: the leak check failed: %s\n", error.what());
    write_result(checked.result_fd, sched::child_run_text().add("checked", 0).add("exit", exit_code).text());
    return 2;
  }
  write_result(checked.result_fd,
               sched::child_run_text().add("checked", 1).add("exit", exit_code).add("leaked", leaked).text());
  if (checked.result_fd >= 0) close(checked.result_fd);
  return leaked && exit_code == 0 ? 1 : exit_code;
}

// glibc's on_exit handler, which, unlike atexit's, is told the status exit() was called with.
void check_at_exit(int status, void* /*unused*/) {
  if (context == nullptr || context->done) return;
  const int code = check(*context, status, "it called exit()");
  // exit() already chose the status; a leak can only change it by ending here.
  if (code != status) {
    std::fflush(nullptr);
    _exit(code);
  }
}

}  // namespace

int run_checked(main_function main, int argc, char** argv, char** envp, const preloaded_settings& settings) {
  const char* slash = argc > 0 ? std::strrchr(argv[0], '/') : nullptr;
  context = new check_context{
      // Threads that static constructors started before main belong to the libraries that started
      // them, not to the program's main: they are the baseline.
      .baseline = options().ignore_current(),
      .program = argc == 0 ? "main" : (slash != nullptr ? slash + 1 : argv[0]),
      .settle_ms = settings.settle_ms,
      .result_fd = open_result_file(settings.result_path),
  };
  on_exit(check_at_exit, nullptr);
  int exit_code = 0;
  {
    // Names the creator of every thread main starts in the report: "created ... in test <program>".
    test_scope scope(context->program);
    exit_code = main(argc, argv, envp);
  }
  return check(*context, exit_code, "main returned");
}

}  // namespace weft::cli
