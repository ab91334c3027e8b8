// A futex wait in words, from the library function that asked for it.
#include "snapshot/wait_reason.hpp"

#include <gtest/gtest.h>

namespace {

weft::stack_frame named(const char* function) {
  weft::stack_frame frame;
  frame.pc = 0x1000;
  frame.function = function;
  return frame;
}

weft::platform::task_status in_futex() {
  weft::platform::task_status status;
  status.state = 'S';
  status.call = weft::platform::blocking_call::futex;
  status.syscall_name = "futex";
  return status;
}

TEST(WaitReason, NamesAnAtomicWaitThroughTemplateFramesWithReturnTypes) {
  const weft::stack_trace stack{
      {named("syscall"),
       named("void std::__atomic_wait_address_v<int, std::__atomic_base<int>::wait(int, std::memory_order) "
             "const::{lambda()#1}>(int const*, int, std::__atomic_base<int>::wait(int, std::memory_order) "
             "const::{lambda()#1})"),
       named("std::__atomic_base<int>::wait(int, std::memory_order) const"), named("waiter()")},
      {}};
  EXPECT_EQ(weft::snapshots::describe_wait(in_futex(), stack), "atomic wait");
}

TEST(WaitReason, NamesAConditionVariableWaitWithAPredicate) {
  const weft::stack_trace stack{
      {named("__futex_abstimed_wait_common"),
       named("void std::condition_variable::wait<Pool::work()::{lambda()#1}>(std::unique_lock<std::mutex>&, "
             "Pool::work()::{lambda()#1})"),
       named("Pool::work()")},
      {}};
  EXPECT_EQ(weft::snapshots::describe_wait(in_futex(), stack), "condition_variable wait");
}

TEST(WaitReason, SaysFutexWaitWhenNoKnownFunctionAsked) {
  const weft::stack_trace stack{{named("syscall"), named("my_futex_lock(int*)")}, {}};
  EXPECT_EQ(weft::snapshots::describe_wait(in_futex(), stack), "futex wait");
}

}  // namespace
