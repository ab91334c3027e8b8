// Built against an installed weft: a thread left running is found, with the function that created
// it, and once the thread is joined the same check finds nothing. Exits 0 when both hold.
#include <chrono>
#include <cstdio>
#include <future>
#include <string>
#include <string_view>
#include <thread>
#include <weft/weft.hpp>

// The project is C++17 (CMakeLists.txt): linking weft::weft must not switch it to C++20.
static_assert(__cplusplus == 201703L, "weft's targets changed this C++17 program's language standard");

namespace {

constexpr std::chrono::milliseconds settle{100};

[[gnu::noinline]] std::thread start_forgotten_worker(std::shared_future<void> release) {
  return std::thread([release] { release.wait(); });
}

// Whether a frame of the creation stack is `function` itself, not merely a template instantiated
// for one of its lambdas (std::thread::thread<start_forgotten_worker(...)::{lambda()#1}>).
bool created_by(const weft::thread_info& thread, std::string_view function) {
  for (const weft::stack_frame& frame : thread.created.stack.frames) {
    if (frame.function.compare(0, function.size(), function) == 0) return true;
  }
  return false;
}

// Returns what is wrong with the report of the one leaked worker; empty when nothing is.
std::string check_leak_report(const weft::leak_report& report) {
  if (report.thread_count() != 1) {
    return "expected 1 leaked thread, found " + std::to_string(report.thread_count()) + "\n" + report.text();
  }
  const weft::thread_info& leaked = report.groups().front().threads.front();
  if (leaked.created.how != weft::creation_record::origin::pthread_create) {
    return "the leaked thread's creation was not seen by weft's pthread_create\n" + report.text();
  }
  if (!created_by(leaked, "(anonymous namespace)::start_forgotten_worker(")) {
    return "the leaked thread's creation stack does not name start_forgotten_worker\n" + report.text();
  }
  return "";
}

}  // namespace

int main() {
  std::promise<void> release;
  std::thread worker = start_forgotten_worker(release.get_future().share());
  std::string problem = check_leak_report(weft::find_leaks(weft::options().settle_timeout(settle)));
  release.set_value();
  worker.join();
  if (problem.empty()) {
    weft::leak_report after_join = weft::find_leaks(weft::options().settle_timeout(settle));
    if (!after_join.empty()) problem = "the joined worker is still reported\n" + after_join.text();
  }
  if (!problem.empty()) {
    std::fprintf(stderr, "consumer: %s", problem.c_str());
    return 1;
  }
  std::puts("consumer: the leaked worker was found with its creation site; none after joining it");
  return 0;
}
