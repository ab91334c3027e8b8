#include <dlfcn.h>
#include <gtest/gtest.h>

#include <cstdint>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include "report/frame_text.hpp"
#include "symbolize/symbolizer.hpp"

namespace symbolize_fixture {

volatile int side_effect = 0;

constexpr unsigned target_first_line = __LINE__;
[[gnu::noinline]] int symbolize_target(int x) {
  side_effect = side_effect + x;
  return side_effect;
}
constexpr unsigned target_last_line = __LINE__;

[[gnu::noinline]] std::uintptr_t return_address_of_this_call() {
  side_effect = side_effect + 1;
  return reinterpret_cast<std::uintptr_t>(__builtin_return_address(0));
}

constexpr unsigned caller_first_line = __LINE__;
[[gnu::noinline]] std::uintptr_t caller_of_capture() {
  const std::uintptr_t pc = return_address_of_this_call();
  side_effect = side_effect + 1;  // keeps the call above from becoming a tail jump
  return pc;
}
constexpr unsigned caller_last_line = __LINE__;

// Inlined into its caller: the return address of the call inside lands in inlined code.
constexpr unsigned inlined_first_line = __LINE__;
[[gnu::always_inline]] inline std::uintptr_t inlined_capture() {
  const std::uintptr_t pc = return_address_of_this_call();
  side_effect = side_effect + 1;
  return pc;
}
constexpr unsigned inlined_last_line = __LINE__;

constexpr unsigned holder_first_line = __LINE__;
[[gnu::noinline]] std::uintptr_t holder_of_inlined_capture() {
  const std::uintptr_t pc = inlined_capture();
  side_effect = side_effect + 1;
  return pc;
}
constexpr unsigned holder_last_line = __LINE__;

template <typename function>
[[gnu::always_inline]] inline std::uintptr_t call_inline(function call) {
  const std::uintptr_t pc = call();
  side_effect = side_effect + 1;
  return pc;
}

// A lambda inlined through a template: its DWARF definition sits in this function, while the call
// chain runs through call_inline. The frames must follow the calls, not the definitions.
[[gnu::noinline]] std::uintptr_t holder_of_inlined_lambda() {
  const std::uintptr_t pc = call_inline([]() __attribute__((always_inline)) {
    const std::uintptr_t inner = return_address_of_this_call();
    side_effect = side_effect + 1;
    return inner;
  });
  side_effect = side_effect + 1;
  return pc;
}

// The return address of a call to a noreturn function is the first byte after the caller's code.
std::uintptr_t last_call_return_address = 0;

[[noreturn, gnu::noinline]] void throw_after_recording() {
  last_call_return_address = reinterpret_cast<std::uintptr_t>(__builtin_return_address(0));
  throw std::runtime_error("recorded");
}

[[gnu::noinline]] void call_as_last_instruction() {
  side_effect = side_effect + 1;
  throw_after_recording();
}

// Placed right after call_as_last_instruction, so that the byte after its last call belongs to a
// neighbour or to padding, never to the caller.
[[gnu::noinline]] void function_after_the_last_call() {
  side_effect = side_effect + 2;
}

}  // namespace symbolize_fixture

namespace {

using weft::stack_frame;
namespace fixture = symbolize_fixture;

std::uintptr_t address_of(void* symbol) {
  return reinterpret_cast<std::uintptr_t>(symbol);
}

stack_frame one_frame(std::uintptr_t pc, bool is_exact) {
  const std::vector<stack_frame> frames = weft::symbolize::frames({&pc, 1}, is_exact);
  EXPECT_FALSE(frames.empty()) << "no frame for pc " << weft::report::hex_address(pc);
  return frames.empty() ? stack_frame{} : frames.front();
}

bool ends_with(const std::string& text, const std::string& suffix) {
  return text.size() >= suffix.size() &&
         text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

TEST(Symbolize, NamesFunctionOfTestBinaryWithFileAndLine) {
  const stack_frame frame = one_frame(address_of(reinterpret_cast<void*>(&fixture::symbolize_target)), true);
  EXPECT_EQ(frame.function, "symbolize_fixture::symbolize_target(int)");
  EXPECT_TRUE(ends_with(frame.file, "symbolize_test.cpp")) << frame.file;
  EXPECT_GT(frame.line, fixture::target_first_line);
  EXPECT_LT(frame.line, fixture::target_last_line);
  EXPECT_FALSE(frame.module.empty());
  EXPECT_NE(frame.module_offset, 0u);
}

TEST(Symbolize, NamesCallerOfReturnAddressAtTheCallLine) {
  const std::uintptr_t pc = fixture::caller_of_capture();
  const stack_frame frame = one_frame(pc, false);
  EXPECT_EQ(frame.pc, pc) << "the frame keeps the return address, not the address looked up";
  EXPECT_EQ(frame.function, "symbolize_fixture::caller_of_capture()");
  EXPECT_GT(frame.line, fixture::caller_first_line);
  EXPECT_LT(frame.line, fixture::caller_last_line);
}

TEST(Symbolize, NamesLibcFunctionAndModule) {
  void* libc = dlopen("libc.so.6", RTLD_NOW | RTLD_NOLOAD);
  ASSERT_NE(libc, nullptr) << dlerror();
  void* write_function = dlsym(libc, "write");
  ASSERT_NE(write_function, nullptr) << dlerror();
  const stack_frame frame = one_frame(address_of(write_function), true);
  EXPECT_EQ(weft::report::module_base_name(frame.module), "libc.so.6") << frame.module;
  // glibc defines write as an alias of __write and __libc_write; with libc's debug symbols installed
  // any of the three may be the name chosen for that address.
  const std::set<std::string> aliases = {"write", "__write", "__libc_write"};
  EXPECT_TRUE(aliases.contains(frame.function)) << frame.function;
  dlclose(libc);
}

TEST(Symbolize, NamesCallerWhenReturnAddressIsPastTheEndOfTheFunction) {
  EXPECT_THROW(fixture::call_as_last_instruction(), std::runtime_error);
  const std::uintptr_t pc = fixture::last_call_return_address;
  ASSERT_NE(pc, 0u);
  if (one_frame(pc, true).function == "symbolize_fixture::call_as_last_instruction()") {
    GTEST_SKIP() << "the compiler placed code after the last call; the return address is inside the caller";
  }
  EXPECT_EQ(one_frame(pc, false).function, "symbolize_fixture::call_as_last_instruction()");
}

TEST(Symbolize, ShowsInlinedCallAsItsOwnFrameAtTheSamePc) {
  const std::uintptr_t pc = fixture::holder_of_inlined_capture();
  const std::vector<stack_frame> frames = weft::symbolize::frames({&pc, 1}, false);
  ASSERT_EQ(frames.size(), 2u);
  EXPECT_EQ(frames[0].function, "symbolize_fixture::inlined_capture()");
  EXPECT_GT(frames[0].line, fixture::inlined_first_line);
  EXPECT_LT(frames[0].line, fixture::inlined_last_line);
  EXPECT_EQ(frames[1].function, "symbolize_fixture::holder_of_inlined_capture()");
  EXPECT_GT(frames[1].line, fixture::holder_first_line);
  EXPECT_LT(frames[1].line, fixture::holder_last_line);
  EXPECT_EQ(frames[0].pc, pc);
  EXPECT_EQ(frames[1].pc, pc);
  EXPECT_EQ(frames[0].file, frames[1].file);
}

TEST(Symbolize, FollowsNestedInlinedCallsRatherThanWhereTheyAreDefined) {
  const std::uintptr_t pc = fixture::holder_of_inlined_lambda();
  const std::vector<stack_frame> frames = weft::symbolize::frames({&pc, 1}, false);
  ASSERT_EQ(frames.size(), 3u);
  // Compilers name a local lambda differently ("{lambda}", "$_0"); its enclosing function is certain.
  EXPECT_TRUE(frames[0].function.starts_with("symbolize_fixture::holder_of_inlined_lambda()::"))
      << frames[0].function;
  EXPECT_NE(frames[0].function.find("operator()"), std::string::npos) << frames[0].function;
  EXPECT_NE(frames[1].function.find("symbolize_fixture::call_inline<"), std::string::npos)
      << frames[1].function;
  EXPECT_EQ(frames[2].function, "symbolize_fixture::holder_of_inlined_lambda()");
}

TEST(Symbolize, LeavesUnmappedPcUnnamedWithoutThrowing) {
  for (const std::uintptr_t pc : {std::uintptr_t{0x10}, std::uintptr_t{0}}) {
    for (const bool is_exact : {true, false}) {
      const stack_frame frame = one_frame(pc, is_exact);
      EXPECT_EQ(frame.pc, pc);
      EXPECT_EQ(frame.function, "");
      EXPECT_EQ(frame.module, "");
      EXPECT_EQ(frame.file, "");
      EXPECT_EQ(frame.location(), weft::report::hex_address(pc));
    }
  }
}

TEST(Symbolize, TreatsOnlyTheFirstPcAsExactWhenAsked) {
  // The entry of a function, looked up as a return address, is the byte after whatever precedes it.
  const std::uintptr_t entry = address_of(reinterpret_cast<void*>(&fixture::symbolize_target));
  const std::uintptr_t pcs[] = {entry, entry};
  const std::vector<stack_frame> frames = weft::symbolize::frames(pcs, true);
  ASSERT_EQ(frames.size(), 2u);
  EXPECT_EQ(frames[0].function, "symbolize_fixture::symbolize_target(int)");
  EXPECT_NE(frames[1].function, "symbolize_fixture::symbolize_target(int)");
}

TEST(Symbolize, ReturnsIdenticalFramesForTheSamePcsTwice) {
  const std::uintptr_t pcs[] = {address_of(reinterpret_cast<void*>(&fixture::symbolize_target)),
                                fixture::caller_of_capture(), fixture::holder_of_inlined_capture(), 0x10};
  const std::vector<stack_frame> first = weft::symbolize::frames(pcs, true);
  const std::vector<stack_frame> second = weft::symbolize::frames(pcs, true);
  ASSERT_EQ(first.size(), second.size());
  for (std::size_t i = 0; i < first.size(); ++i) {
    EXPECT_EQ(first[i].pc, second[i].pc);
    EXPECT_EQ(first[i].function, second[i].function);
    EXPECT_EQ(first[i].file, second[i].file);
    EXPECT_EQ(first[i].line, second[i].line);
    EXPECT_EQ(first[i].module, second[i].module);
    EXPECT_EQ(first[i].module_offset, second[i].module_offset);
  }
}

TEST(Symbolize, NamesFunctionOfLibraryLoadedAfterTheFirstLookup) {
  ASSERT_EQ(one_frame(address_of(reinterpret_cast<void*>(&fixture::symbolize_target)), true).function,
            "symbolize_fixture::symbolize_target(int)");
  void* library = dlopen(WEFT_LATE_LIBRARY, RTLD_NOW | RTLD_LOCAL);
  ASSERT_NE(library, nullptr) << dlerror();
  using late_function = int (*)(int);
  auto* entry = reinterpret_cast<late_function (*)()>(dlsym(library, "late_library_entry"));
  ASSERT_NE(entry, nullptr) << dlerror();

  const stack_frame frame = one_frame(address_of(reinterpret_cast<void*>(entry())), true);
  EXPECT_EQ(frame.function, "late_library::answer_from_late_library(int)");
  EXPECT_EQ(frame.module, WEFT_LATE_LIBRARY);
  EXPECT_TRUE(ends_with(frame.file, "late_library.cpp")) << frame.file;
  dlclose(library);
}

}  // namespace
