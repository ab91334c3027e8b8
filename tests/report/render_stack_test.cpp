#include "report/render_stack.hpp"

#include <gtest/gtest.h>

#include <string>

#include "sample_threads.hpp"

namespace {

using report_samples::frame;
using weft::stack_frame;
using weft::stack_trace;
using weft::report::stack_detail;

TEST(FrameLocation, NamesFunctionFileAndLineWhenDebugInfoIsKnown) {
  EXPECT_EQ(report_samples::pool_start().location(), "Pool::start() at /src/pool.cpp:20");
}

TEST(FrameLocation, NamesFunctionAndModuleBaseNameWithoutDebugInfo) {
  EXPECT_EQ(frame(0x7f3a10091e96, "pthread_cond_wait", report_samples::libc, 0x91e96).location(),
            "pthread_cond_wait  (libc.so.6)");
}

TEST(FrameLocation, NamesModuleAndOffsetWhenOnlyTheModuleIsKnown) {
  EXPECT_EQ(frame(0x7f3a10001a2b, "", "/opt/lib/libfoo.so", 0x1a2b).location(), "libfoo.so+0x1a2b");
}

TEST(FrameLocation, NamesBareAddressWhenNothingIsKnown) {
  EXPECT_EQ(frame(0x7f12aa00, "", "", 0).location(), "0x7f12aa00");
}

TEST(FrameLocation, LeavesOutLineZeroAndUsesAddressForUnnamedFunctionWithFile) {
  EXPECT_EQ(frame(0x1000, "", "/bin/tool", 0x10, "/src/gen.c", 0).location(), "tool+0x10 at /src/gen.c");
}

TEST(RenderStack, WritesOneIndentedNumberedLinePerFrame) {
  std::string out;
  weft::report::render_stack(out, report_samples::worker_stack(), "    ");
  EXPECT_EQ(out,
            "    #0 pthread_cond_wait  (libc.so.6)\n"
            "    #1 std::condition_variable::wait(std::unique_lock<std::mutex>&)  (libstdc++.so.6)\n"
            "    #2 worker_loop() at /src/pool.cpp:42\n"
            "    #3 weft::intercept::(anonymous namespace)::run_recorded_thread(void*) at "
            "../src/intercept/thread.cpp:139\n"
            "    #4 start_thread  (libc.so.6)\n"
            "    #5 clone3  (libc.so.6)\n");
}

TEST(RenderStack, FoldedLeavesOutWeftsFramesAndFoldsRunsOfRuntimeFrames) {
  std::string out;
  weft::report::render_stack(out, report_samples::worker_stack(), "  ", 64, stack_detail::folded);
  EXPECT_EQ(out,
            "  ... 2 frames of libc and libstdc++ ...\n"
            "  #2 worker_loop() at /src/pool.cpp:42\n"
            "  ... 2 frames of libc ...\n");
}

TEST(RenderStack, FoldedKeepsFrameNumbersAndFoldsTestFrameworkFrames) {
  const stack_trace stack{
      {
          frame(0x10, "std::thread::_M_start_thread()", report_samples::libstdcxx, 0x10),
          frame(0x20, "decltype (f()) std::__invoke_impl<void, F>(F&&)", "/build/app", 0x20),
          frame(0x30, "Pool::Pool(int)", "/build/app", 0x30),
          frame(0x40, "Pool_Starts_Test::TestBody()", "/build/app", 0x40),
          frame(0x50, "testing::Test::Run()", "/build/app", 0x50),
          frame(0x60, "testing::TestInfo::Run()", "/build/app", 0x60),
          frame(0x70, "main", "/build/app", 0x70),
          frame(0x80, "__libc_start_main", report_samples::libc, 0x80),
          frame(0x90, "_start", "/build/app", 0x90),
      },
      {}};
  std::string out;
  weft::report::render_stack(out, stack, "  ", 64, stack_detail::folded);
  EXPECT_EQ(out,
            "  ... 2 frames of libstdc++ ...\n"
            "  #2 Pool::Pool(int)  (app)\n"
            "  #3 Pool_Starts_Test::TestBody()  (app)\n"
            "  ... 2 frames of googletest ...\n"
            "  #6 main  (app)\n"
            "  ... 2 frames of libc ...\n");
}

TEST(RenderStack, FoldedShowsAStackWithoutOwnFramesWhole) {
  const stack_trace stack{{frame(0x10, "pthread_cond_wait", report_samples::libc, 0x10),
                           frame(0x20, "start_thread", report_samples::libc, 0x20)},
                          {}};
  std::string out;
  weft::report::render_stack(out, stack, "  ", 64, stack_detail::folded);
  EXPECT_EQ(out, "  #0 pthread_cond_wait  (libc.so.6)\n  #1 start_thread  (libc.so.6)\n");
}

TEST(RenderStack, AppendsToWhatIsAlreadyThere) {
  std::string out = "before\n";
  weft::report::render_stack(out, stack_trace{{frame(0x10, "f", "", 0)}, {}});
  EXPECT_EQ(out, "before\n  #0 f\n");
}

TEST(RenderStack, CutsAtMaxFramesAndCountsTheRest) {
  stack_trace stack;
  for (int i = 0; i < 70; ++i) stack.frames.push_back(frame(0x1000 + i, "f" + std::to_string(i), "", 0));
  std::string out;
  weft::report::render_stack(out, stack);
  EXPECT_NE(out.find("  #63 f63\n"), std::string::npos);
  EXPECT_EQ(out.find("#64"), std::string::npos);
  EXPECT_TRUE(out.ends_with("  #63 f63\n  ... 6 more frames\n")) << out;

  out.clear();
  weft::report::render_stack(out, stack, "  ", 69);
  EXPECT_TRUE(out.ends_with("  #68 f68\n  ... 1 more frame\n")) << out;
}

TEST(RenderStack, PrintsEveryFrameWhenExactlyMaxFrames) {
  stack_trace stack;
  for (int i = 0; i < 3; ++i) stack.frames.push_back(frame(0x1000 + i, "f" + std::to_string(i), "", 0));
  std::string out;
  weft::report::render_stack(out, stack, "  ", 3);
  EXPECT_EQ(out, "  #0 f0\n  #1 f1\n  #2 f2\n");
}

TEST(RenderStack, SaysWhyTheStackIsUnavailable) {
  std::string out;
  weft::report::render_stack(out, stack_trace{{}, "thread did not answer within 1000 ms"}, "\t");
  EXPECT_EQ(out, "\tstack unavailable: thread did not answer within 1000 ms\n");
}

TEST(RenderThread, TitlesThreadWithTidNameStateAndFirstUserFunction) {
  std::string out;
  weft::report::render_thread(out, report_samples::worker(4242));
  EXPECT_TRUE(out.starts_with(
      "Thread 4242 \"worker\" in state condition_variable wait, with worker_loop() on top of the stack:\n"))
      << out;
  EXPECT_NE(out.find("created by Pool::start() at /src/pool.cpp:20 in test PoolTest.LeaksWorker\n"),
            std::string::npos)
      << out;
}

TEST(RenderThread, SaysCreatorIsUnknownAndLeavesOutEmptyTest) {
  weft::thread_info thread = report_samples::worker(9);
  thread.created.creator = {};
  thread.created.test.clear();
  std::string out;
  weft::report::render_thread(out, thread);
  EXPECT_NE(out.find("\ncreated by an unknown function\n"), std::string::npos) << out;
}

TEST(SnapshotText, RendersEveryThreadSeparatedByABlankLine) {
  weft::snapshot snap;
  snap.threads = {report_samples::uncreated(1, "main", weft::creation_record::origin::before_weft_loaded),
                  report_samples::signal_blocker()};
  EXPECT_EQ(snap.text(),
            "Thread 1 \"main\" in state sleep, with pool_tests+0x2000 on top of the stack:\n"
            "  #0 clock_nanosleep  (libc.so.6)\n"
            "  #1 pool_tests+0x2000\n"
            "created before weft was loaded\n"
            "\n"
            "Thread 77 \"sigblocker\" in state futex wait, stack unavailable: thread blocks signal 40 "
            "(SigBlk 0000008000000000)\n"
            "created by Pool::start() at /src/pool.cpp:20 in test SignalTest.BlocksEverything\n"
            "  #0 std::thread::_M_start_thread(std::unique_ptr<std::thread::_State, "
            "std::default_delete<std::thread::_State> >, void (*)())  (libstdc++.so.6)\n"
            "  #1 Pool::start() at /src/pool.cpp:20\n"
            "  #2 PoolTest_LeaksWorker_Test::TestBody() at /src/pool_test.cpp:12\n");
}

TEST(SnapshotText, IsEmptyWithoutThreads) {
  EXPECT_EQ(weft::snapshot{}.text(), "");
}

}  // namespace
