// weft's one default rule: a sanitizer runtime's own background thread is not the test's leak, but a
// thread the program created is one even while it is still inside the sanitizer's thread-start code.
#include <gtest/gtest.h>

#include "leaks/ignore_rules.hpp"

namespace {

using weft::creation_record;
using weft::leaks::rule_set;

weft::thread_info thread_with(creation_record::origin how, const char* function) {
  weft::thread_info thread;
  thread.created.how = how;
  weft::stack_frame frame;
  frame.function = function;
  thread.stack.frames.push_back(frame);
  return thread;
}

TEST(ToolThreads, ASanitizerRuntimeThreadIsIgnored) {
  EXPECT_TRUE(rule_set::is_tool_thread(
      thread_with(creation_record::origin::unseen, "__sanitizer::BackgroundThread(void*)")));
  EXPECT_TRUE(rule_set::is_tool_thread(
      thread_with(creation_record::origin::before_weft_loaded, "__lsan::DoLeakCheck()")));
}

TEST(ToolThreads, AThreadTheProgramCreatedIsNeverOne) {
  EXPECT_FALSE(rule_set::is_tool_thread(thread_with(creation_record::origin::pthread_create,
                                                    "__asan::AsanThread::ThreadStart(unsigned long long)")));
}

TEST(ToolThreads, AnUnseenThreadWithoutSanitizerFramesIsNotOne) {
  EXPECT_FALSE(rule_set::is_tool_thread(thread_with(creation_record::origin::unseen, "worker_loop()")));
}

}  // namespace
