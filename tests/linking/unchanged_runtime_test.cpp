// Linking weft must leave the process's C++ exception handling and glibc's backtrace() as they were:
// weft's libunwind is private to weft, so the unwinder and backtrace() still come from libgcc_s and
// libc, and exceptions still cross threads.
#include <dlfcn.h>
#include <execinfo.h>
#include <gtest/gtest.h>

#include <future>
#include <stdexcept>
#include <string>
#include <thread>
#include <weft/weft.hpp>

namespace {

std::string module_defining(const char* symbol) {
  void* address = dlsym(RTLD_DEFAULT, symbol);
  if (address == nullptr) return "";
  Dl_info info{};
  if (dladdr(address, &info) == 0 || info.dli_fname == nullptr) return "?";
  return info.dli_fname;
}

// AddressSanitizer intercepts both; what matters is that the owner is the one it is without weft.
#if defined(__SANITIZE_ADDRESS__)
constexpr const char* unwinder_owner = "libasan";
constexpr const char* backtrace_owner = "libasan";
#else
constexpr const char* unwinder_owner = "libgcc_s";
constexpr const char* backtrace_owner = "libc.so";
#endif

TEST(UnchangedRuntime, ExceptionUnwinderStillComesFromLibgcc) {
  EXPECT_NE(module_defining("_Unwind_RaiseException").find(unwinder_owner), std::string::npos)
      << module_defining("_Unwind_RaiseException");
  EXPECT_NE(module_defining("_Unwind_Resume").find("libgcc_s"), std::string::npos)
      << module_defining("_Unwind_Resume");
}

TEST(UnchangedRuntime, BacktraceStillComesFromLibc) {
  EXPECT_NE(module_defining("backtrace").find(backtrace_owner), std::string::npos)
      << module_defining("backtrace");
}

TEST(UnchangedRuntime, NoLibunwindSymbolIsVisible) {
  EXPECT_EQ(module_defining("_ULx86_64_step"), "");
  EXPECT_EQ(module_defining("_ULx86_64_init_local2"), "");
  EXPECT_EQ(module_defining("unw_backtrace"), "");
  EXPECT_EQ(module_defining("_U_dyn_info_list_addr"), "");
}

[[gnu::noinline]] int frames_here() {
  void* frames[64];
  return backtrace(frames, 64);
}

TEST(UnchangedRuntime, BacktraceStillWalksTheStack) {
  EXPECT_GE(frames_here(), 3);
}

[[gnu::noinline]] void throw_from_depth(int depth) {
  if (depth == 0) throw std::runtime_error("deep");
  throw_from_depth(depth - 1);
}

TEST(UnchangedRuntime, ExceptionsAreCaughtInsideAThreadWeftCreated) {
  std::string caught;
  std::thread([&] {
    try {
      throw_from_depth(20);
    } catch (const std::runtime_error& error) {
      caught = error.what();
    }
  }).join();
  EXPECT_EQ(caught, "deep");
}

TEST(UnchangedRuntime, ExceptionsCrossThreadsThroughFutures) {
  std::future<int> result = std::async(std::launch::async, [] {
    throw_from_depth(5);
    return 1;
  });
  EXPECT_THROW(result.get(), std::runtime_error);
}

TEST(UnchangedRuntime, WeftStillSeesTheThreadsItCreates) {
  std::thread([] {
    weft::snapshot seen = weft::take_snapshot({.include_caller = true});
    ASSERT_FALSE(seen.threads.empty());
  }).join();
  std::promise<void> release;
  std::thread waiter([future = release.get_future()]() mutable { future.wait(); });
  weft::leak_report report = weft::find_leaks(weft::options().settle_timeout(std::chrono::milliseconds(10)));
  ASSERT_EQ(report.thread_count(), 1u) << report.text();
  EXPECT_EQ(report.groups()[0].threads[0].created.how, weft::creation_record::origin::pthread_create);
  release.set_value();
  waiter.join();
}

}  // namespace
