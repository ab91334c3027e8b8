#include "symbolize/runtime_frames.hpp"

#include <gtest/gtest.h>

#include "report/sample_threads.hpp"

namespace {

using report_samples::frame;
using weft::symbolize::first_user_frame;
using weft::symbolize::is_runtime_frame;
using weft::symbolize::top_function;

TEST(RuntimeFrames, CountsFramesOfRuntimeLibrariesAsRuntime) {
  for (const char* module :
       {"/usr/lib/x86_64-linux-gnu/libc.so.6", "/usr/lib/x86_64-linux-gnu/libstdc++.so.6.0.30",
        "/lib/x86_64-linux-gnu/libgcc_s.so.1", "/lib64/ld-linux-x86-64.so.2", "/lib/libpthread.so.0",
        "/lib/libm.so.6", "/opt/weft/lib/libweft.so.0"}) {
    EXPECT_TRUE(is_runtime_frame(frame(0x1000, "some_function", module, 0x10))) << module;
  }
}

TEST(RuntimeFrames, CountsRuntimeFunctionsCompiledIntoTheProgramAsRuntime) {
  for (const char* function : {"std::thread::join()", "__gnu_cxx::__verbose_terminate_handler()",
                               "__cxxabiv1::__terminate(void (*)())", "__libc_start_main", "__pthread_once",
                               "__futex_abstimed_wait_common", "__GI___poll", "_dl_start_user",
                               "__gthread_mutex_lock(pthread_mutex_t*)"}) {
    EXPECT_TRUE(is_runtime_frame(frame(0x1000, function, "/build/app", 0x10))) << function;
  }
}

TEST(RuntimeFrames, CountsRuntimeTemplatesDespiteTheirReturnType) {
  for (const char* function :
       {"void std::sort<int*>(int*, int*)",
        "std::__invoke_result<Pool::start()::{lambda()#1}>::type "
        "std::__invoke<Pool::start()::{lambda()#1}>(Pool::"
        "start()::{lambda()#1}&&)",
        "bool __gnu_cxx::__ops::_Iter_less_iter::operator()<int*, int*>(int*, int*) const",
        "decltype (std::declval<F>()()) std::__invoke_impl<F>(F&&)"}) {
    EXPECT_TRUE(is_runtime_frame(frame(0x1000, function, "/build/app", 0x10))) << function;
  }
  EXPECT_FALSE(
      is_runtime_frame(frame(0x1000, "unsigned long app::call<std::string>(std::string)", "/build/app", 0)));
}

TEST(RuntimeFrames, NamesTheLibraryOfEachRuntimeFrame) {
  using weft::symbolize::runtime_of;
  EXPECT_EQ(runtime_of(frame(0x1000, "", "/usr/lib/x86_64-linux-gnu/libc.so.6", 0x10)), "libc");
  EXPECT_EQ(runtime_of(frame(0x1000, "", "/usr/lib/x86_64-linux-gnu/libstdc++.so.6", 0x10)), "libstdc++");
  EXPECT_EQ(runtime_of(frame(0x1000, "void std::sort<int*>(int*, int*)", "/build/app", 0x10)), "libstdc++");
  EXPECT_EQ(runtime_of(frame(0x1000, "_start", "/build/app", 0x10)), "libc");
  EXPECT_EQ(runtime_of(report_samples::pool_start()), "");
}

TEST(RuntimeFrames, TellsWeftsOwnFrames) {
  using weft::symbolize::is_weft_frame;
  EXPECT_TRUE(is_weft_frame(frame(
      0x1000, "weft::intercept::(anonymous namespace)::run_recorded_thread(void*)", "/build/app", 0x10)));
  EXPECT_TRUE(is_weft_frame(frame(0x1000, "pthread_create", "/opt/weft/lib/libweft.so.0", 0x10)));
  EXPECT_TRUE(is_weft_frame(frame(0x1000, "weft::sched::crash_guard::on_signal(int)", "/build/app", 0x10)));
  // Public names and a test's helpers in namespace weft are not weft's plumbing.
  EXPECT_FALSE(is_weft_frame(frame(0x1000, "weft::testing::park_forever()", "/build/app", 0x10)));
  EXPECT_FALSE(is_weft_frame(frame(0x1000, "std::thread::join()", "/build/app", 0x10)));
}

// A program linked with weft's static library holds weft's interposers under libc's names; the
// program's own frame below them is the one shown on top (found when ASan test binaries began to keep
// the interposers: the leak's top function became pthread_cond_wait).
TEST(RuntimeFrames, TellsWeftsInterposersLinkedIntoTheProgram) {
  using weft::symbolize::runtime_of;
  for (const char* function : {"pthread_cond_wait", "pthread_mutex_lock", "sem_wait", "nanosleep", "sleep",
                               "clock_gettime", "syscall"}) {
    EXPECT_EQ(runtime_of(frame(0x1000, function, "/build/app", 0x10)), "weft") << function;
  }
  EXPECT_EQ(runtime_of(frame(0x1000, "pthread_cond_wait", "/usr/lib/x86_64-linux-gnu/libc.so.6", 0x10)),
            "libc");
  EXPECT_EQ(runtime_of(frame(0x1000, "sleeper()", "/build/app", 0x10)), "");
}

TEST(RuntimeFrames, TellsTestFrameworkFramesWithoutCountingThemAsRuntime) {
  using weft::symbolize::test_framework_of;
  const weft::stack_frame gtest = frame(0x1000, "testing::Test::Run()", "/build/app", 0x10);
  EXPECT_EQ(test_framework_of(gtest), "googletest");
  EXPECT_FALSE(is_runtime_frame(gtest));
  EXPECT_EQ(
      test_framework_of(frame(0x1000, "Catch::RunContext::runTest(Catch::TestCaseHandle const&)", "", 0)),
      "Catch2");
  EXPECT_EQ(test_framework_of(report_samples::pool_start()), "");
}

TEST(RuntimeFrames, CountsProgramFramesAsUserFrames) {
  EXPECT_FALSE(is_runtime_frame(report_samples::pool_start()));
  EXPECT_FALSE(is_runtime_frame(frame(0x1000, "", "/usr/lib/libcurl.so.4", 0x10)));
  EXPECT_FALSE(is_runtime_frame(frame(0x1000, "", "", 0)));
  EXPECT_FALSE(is_runtime_frame(frame(0x1000, "standard_deviation(double)", "/build/app", 0x10)));
  EXPECT_FALSE(is_runtime_frame(frame(0x1000, "f", "/usr/lib/libcrypto.so.3", 0x10)));
}

TEST(RuntimeFrames, FirstUserFrameSkipsRuntimeFrames) {
  const weft::stack_trace stack = report_samples::worker_stack();
  ASSERT_EQ(first_user_frame(stack), &stack.frames[2]);
  EXPECT_EQ(top_function(stack), "worker_loop()");
}

TEST(RuntimeFrames, FirstUserFrameIsNullWhenEveryFrameIsRuntime) {
  const weft::stack_trace stack{{frame(0x10, "pthread_cond_wait", report_samples::libc, 0x10),
                                 frame(0x20, "start_thread", report_samples::libc, 0x20)},
                                {}};
  EXPECT_EQ(first_user_frame(stack), nullptr);
  EXPECT_EQ(top_function(stack), "pthread_cond_wait");
  EXPECT_EQ(first_user_frame(weft::stack_trace{}), nullptr);
}

TEST(RuntimeFrames, TopFunctionNamesUnnamedFrameByItsLocation) {
  const weft::stack_trace stack{{frame(0x10, "clock_nanosleep", report_samples::libc, 0x10),
                                 frame(0x55d0c0a02000, "", "/build/app", 0x2000)},
                                {}};
  EXPECT_EQ(top_function(stack), "app+0x2000");
  EXPECT_EQ(top_function(weft::stack_trace{}), "");
}

}  // namespace
