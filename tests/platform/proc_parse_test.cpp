// The /proc parsers against files captured from real processes (testdata/capture.sh) and broken text.
#include "platform/linux/proc_parse.hpp"

#include <gtest/gtest.h>
#include <signal.h>

#include <fstream>
#include <sstream>
#include <string>

namespace weft::platform {
namespace {

std::string fixture(const std::string& name) {
  std::ifstream file(std::string(WEFT_PLATFORM_TESTDATA) + "/" + name, std::ios::binary);
  EXPECT_TRUE(file) << "missing fixture " << name;
  std::ostringstream text;
  text << file.rdbuf();
  return text.str();
}

// Replaces whitespace-separated field `n` (1-based, counted after the comm) of a stat line.
std::string with_stat_field(std::string line, int n, const std::string& replacement) {
  std::size_t pos = line.rfind(')') + 1;
  for (int field = 3; field < n; ++field) pos = line.find(' ', pos + 1);
  const std::size_t start = pos + 1;
  const std::size_t end = line.find(' ', start);
  return line.replace(start, end - start, replacement);
}

TEST(ParseStat, TakesCommUpToTheLastClosingParenthesis) {
  const auto stat = parse_stat(fixture("stat_comm_with_parens.txt"));
  ASSERT_TRUE(stat.ok()) << stat.error;
  EXPECT_EQ(stat.value->tid, 4255);
  EXPECT_EQ(stat.value->comm, "we) ird (na)me");
  EXPECT_EQ(stat.value->state, 'S');
  EXPECT_EQ(stat.value->start_time, 58020u);
}

TEST(ParseStat, ReadsStateOfRunningAndStoppedProcesses) {
  const auto running = parse_stat(fixture("stat_running.txt"));
  const auto stopped = parse_stat(fixture("stat_stopped.txt"));
  ASSERT_TRUE(running.ok()) << running.error;
  ASSERT_TRUE(stopped.ok()) << stopped.error;
  EXPECT_EQ(running.value->state, 'R');
  EXPECT_EQ(stopped.value->state, 'T');
  EXPECT_EQ(running.value->comm, "perl");
}

TEST(ParseStat, RejectsEmptyText) {
  const auto stat = parse_stat("");
  EXPECT_FALSE(stat.ok());
  EXPECT_NE(stat.error.find("(comm)"), std::string::npos) << stat.error;
}

TEST(ParseStat, RejectsClosingParenthesisBeforeOpening) {
  const auto stat = parse_stat("12 )x( S 1 2 3");
  EXPECT_FALSE(stat.ok());
  EXPECT_NE(stat.error.find("(comm)"), std::string::npos) << stat.error;
}

TEST(ParseStat, RejectsLineCutBeforeStartTime) {
  const std::string line = fixture("stat_running.txt");
  const auto stat = parse_stat(line.substr(0, line.find(" 58020")));
  EXPECT_FALSE(stat.ok());
  EXPECT_NE(stat.error.find("at least 22 fields, found 21"), std::string::npos) << stat.error;
}

TEST(ParseStat, RejectsNonNumericStartTime) {
  const auto stat = parse_stat(with_stat_field(fixture("stat_running.txt"), 22, "soon"));
  EXPECT_FALSE(stat.ok());
  EXPECT_NE(stat.error.find("field 22 (starttime)"), std::string::npos) << stat.error;
  EXPECT_NE(stat.error.find("\"soon\""), std::string::npos) << stat.error;
}

TEST(ParseStat, RejectsStateOfMoreThanOneLetter) {
  const auto stat = parse_stat(with_stat_field(fixture("stat_running.txt"), 3, "RS"));
  EXPECT_FALSE(stat.ok());
  EXPECT_NE(stat.error.find("field 3 (state)"), std::string::npos) << stat.error;
}

TEST(ParseStat, RejectsNonNumericTid) {
  const auto stat = parse_stat("x12 (a) S" + std::string(40, ' ') + "1");
  EXPECT_FALSE(stat.ok());
  EXPECT_NE(stat.error.find("field 1 (tid)"), std::string::npos) << stat.error;
}

TEST(ParseStatus, ReadsNameAndBlockedSignals) {
  const auto status = parse_status(fixture("status_blocked_signals.txt"));
  ASSERT_TRUE(status.ok()) << status.error;
  EXPECT_EQ(status.value->name, "python3");
  // capture.sh blocked SIGUSR1 and SIGRTMIN+6 (signal 40 with glibc's SIGRTMIN of 34).
  EXPECT_EQ(status.value->blocked_signals, 0x0000008000000200u);
  EXPECT_EQ(status.value->blocked_signals >> (SIGUSR1 - 1) & 1, 1u);
}

TEST(ParseStatus, KeepsBlanksThatBeginTheName) {
  const auto status = parse_status("Name:\t  spaced\nSigBlk:\t0000000000000001\n");
  ASSERT_TRUE(status.ok()) << status.error;
  EXPECT_EQ(status.value->name, "  spaced");
  EXPECT_EQ(status.value->blocked_signals, 1u);
}

TEST(ParseStatus, RejectsTextWithoutSigBlk) {
  const std::string text = fixture("status_blocked_signals.txt");
  const auto status = parse_status(text.substr(0, text.find("SigBlk")));
  EXPECT_FALSE(status.ok());
  EXPECT_EQ(status.error, "status: no SigBlk: line");
}

TEST(ParseStatus, RejectsNonHexadecimalSigBlk) {
  const auto status = parse_status("Name:\tx\nSigBlk:\t00000000zz000000\n");
  EXPECT_FALSE(status.ok());
  EXPECT_NE(status.error.find("SigBlk"), std::string::npos) << status.error;
  EXPECT_NE(status.error.find("\"00000000zz000000\""), std::string::npos) << status.error;
}

TEST(ParseStatus, RejectsEmptyText) {
  EXPECT_EQ(parse_status("").error, "status: no Name: line");
}

TEST(ParseSyscall, ReadsRunning) {
  const auto line = parse_syscall(fixture("syscall_running.txt"));
  ASSERT_TRUE(line.ok()) << line.error;
  EXPECT_EQ(line.value->what, syscall_fields::kind::running);
}

TEST(ParseSyscall, ReadsFutexCallWithArgumentsStackPointerAndPc) {
  const auto line = parse_syscall(fixture("syscall_futex.txt"));
  ASSERT_TRUE(line.ok()) << line.error;
  EXPECT_EQ(line.value->what, syscall_fields::kind::in_call);
  EXPECT_EQ(line.value->number, 202);
  EXPECT_EQ(line.value->args[0], 0x5602defb8600u);
  EXPECT_EQ(line.value->args[1], 0x189u);
  EXPECT_EQ(line.value->args[5], 0xffffffffu);
  EXPECT_EQ(line.value->stack_pointer, 0x7ffc350533e0u);
  EXPECT_EQ(line.value->pc, 0x7fe2792a3e96u);
}

TEST(ParseSyscall, ReadsReadCallOnDescriptorZero) {
  const auto line = parse_syscall(fixture("syscall_read.txt"));
  ASSERT_TRUE(line.ok()) << line.error;
  EXPECT_EQ(line.value->number, 0);
  EXPECT_EQ(line.value->args[0], 0u);
  EXPECT_EQ(line.value->args[2], 1u);
}

TEST(ParseSyscall, ReadsClockNanosleep) {
  const auto line = parse_syscall(fixture("syscall_clock_nanosleep.txt"));
  ASSERT_TRUE(line.ok()) << line.error;
  EXPECT_EQ(line.value->number, 230);
}

TEST(ParseSyscall, ReadsThreadBlockedOutsideAnyCall) {
  const auto line = parse_syscall(fixture("syscall_outside_call.txt"));
  ASSERT_TRUE(line.ok()) << line.error;
  EXPECT_EQ(line.value->what, syscall_fields::kind::outside_call);
  EXPECT_EQ(line.value->stack_pointer, 0x7ffd15f56ab0u);
  EXPECT_EQ(line.value->pc, 0x55d687505798u);
}

TEST(ParseSyscall, RejectsEmptyText) {
  EXPECT_EQ(parse_syscall("").error, "syscall: empty");
}

TEST(ParseSyscall, RejectsLineCutAfterThreeArguments) {
  const auto line = parse_syscall("202 0x1 0x2 0x3\n");
  EXPECT_FALSE(line.ok());
  EXPECT_NE(line.error.find("expected 9 fields after 202, found 4"), std::string::npos) << line.error;
}

TEST(ParseSyscall, RejectsNonHexadecimalArgument) {
  const auto line = parse_syscall("0 0x3 0xnope 0x1 0x0 0x0 0x0 0x7ffc 0x7f12\n");
  EXPECT_FALSE(line.ok());
  EXPECT_NE(line.error.find("field 3 is not hexadecimal: \"0xnope\""), std::string::npos) << line.error;
}

TEST(ParseSyscall, RejectsWordThatIsNotRunning) {
  const auto line = parse_syscall("sleeping");
  EXPECT_FALSE(line.ok());
  EXPECT_NE(line.error.find("field 1 (number)"), std::string::npos) << line.error;
}

TEST(ParseSyscall, RejectsNegativeNumberOtherThanMinusOne) {
  EXPECT_FALSE(parse_syscall("-2 0x1 0x2").ok());
}

TEST(ParseSyscall, RejectsValueWiderThanSixtyFourBits) {
  EXPECT_FALSE(parse_syscall("-1 0x10000000000000000 0x1").ok());
}

// Every prefix of every fixture stands for a read cut short; none may crash, and each answer is
// either a value or an error, never both or neither.
TEST(ProcParsers, AnswerEveryTruncationOfEveryFixtureWithValueOrError) {
  for (const char* name : {"stat_comm_with_parens.txt", "stat_running.txt", "status_blocked_signals.txt",
                           "syscall_futex.txt", "syscall_outside_call.txt", "syscall_running.txt"}) {
    const std::string text = fixture(name);
    for (std::size_t length = 0; length <= text.size(); ++length) {
      const std::string_view prefix(text.data(), length);
      const auto stat = parse_stat(prefix);
      const auto status = parse_status(prefix);
      const auto line = parse_syscall(prefix);
      EXPECT_NE(stat.ok(), !stat.error.empty()) << name << " cut at " << length;
      EXPECT_NE(status.ok(), !status.error.empty()) << name << " cut at " << length;
      EXPECT_NE(line.ok(), !line.error.empty()) << name << " cut at " << length;
    }
  }
}

TEST(ProcParsers, QuoteUnprintableBytesInErrors) {
  const auto stat = parse_stat(std::string("\x01\xff", 2));
  EXPECT_NE(stat.error.find("\"\\x01\\xff\""), std::string::npos) << stat.error;
}

}  // namespace
}  // namespace weft::platform
