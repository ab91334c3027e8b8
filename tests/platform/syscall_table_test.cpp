// The x86-64 system call table: which family, which name, which argument is the descriptor.
#include <gtest/gtest.h>

#include "platform/linux/proc_parse.hpp"

namespace weft::platform {
namespace {

struct expected_call {
  long number;
  blocking_call call;
  const char* name;
  int fd_argument;
};

TEST(DescribeSyscall, NamesTheFamilyAndDescriptorOfBlockingCalls) {
  const expected_call table[] = {
      {0, blocking_call::read, "read", 0},
      {1, blocking_call::write, "write", 0},
      {7, blocking_call::poll, "poll", -1},
      {17, blocking_call::read, "pread64", 0},
      {18, blocking_call::write, "pwrite64", 0},
      {19, blocking_call::read, "readv", 0},
      {20, blocking_call::write, "writev", 0},
      {23, blocking_call::select, "select", -1},
      {34, blocking_call::sleep, "pause", -1},
      {35, blocking_call::sleep, "nanosleep", -1},
      {42, blocking_call::connect, "connect", 0},
      {43, blocking_call::accept, "accept", 0},
      {44, blocking_call::send, "sendto", 0},
      {45, blocking_call::receive, "recvfrom", 0},
      {46, blocking_call::send, "sendmsg", 0},
      {47, blocking_call::receive, "recvmsg", 0},
      {61, blocking_call::wait_child, "wait4", -1},
      {202, blocking_call::futex, "futex", -1},
      {230, blocking_call::sleep, "clock_nanosleep", -1},
      {232, blocking_call::epoll, "epoll_wait", 0},
      {247, blocking_call::wait_child, "waitid", -1},
      {270, blocking_call::select, "pselect6", -1},
      {271, blocking_call::poll, "ppoll", -1},
      {281, blocking_call::epoll, "epoll_pwait", 0},
      {288, blocking_call::accept, "accept4", 0},
      {441, blocking_call::epoll, "epoll_pwait2", 0},
      {449, blocking_call::futex, "futex_waitv", -1},
  };
  for (const auto& expected : table) {
    const syscall_info info = describe_syscall(expected.number);
    EXPECT_EQ(info.call, expected.call) << expected.number;
    EXPECT_EQ(info.name, expected.name) << expected.number;
    EXPECT_EQ(info.fd_argument, expected.fd_argument) << expected.number;
    EXPECT_EQ(syscall_display_name(expected.number), expected.name);
  }
}

TEST(DescribeSyscall, NamesKnownNonBlockingFamilyCallsAsOther) {
  const syscall_info info = describe_syscall(73);
  EXPECT_EQ(info.call, blocking_call::other);
  EXPECT_EQ(info.name, "flock");
  EXPECT_EQ(info.fd_argument, 0);
}

TEST(DescribeSyscall, GivesUnknownNumbersByNumber) {
  const syscall_info info = describe_syscall(9999);
  EXPECT_EQ(info.call, blocking_call::other);
  EXPECT_TRUE(info.name.empty());
  EXPECT_EQ(info.fd_argument, -1);
  EXPECT_EQ(syscall_display_name(9999), "syscall 9999");
}

}  // namespace
}  // namespace weft::platform
