// Objects compiled with -fsanitize=thread by GCC and by clang, with and without the flags for their
// optional hooks, link against weft::instrument without libtsan, and each hook does what the operation
// it stands for does.
#include <gtest/gtest.h>

#include <atomic>
#include <functional>
#include <string>
#include <vector>
#include <weft/sched.hpp>

#define WEFT_PROBE_NAMESPACE project_compiler
#include "instrument/probe.hpp"
#undef WEFT_PROBE_NAMESPACE
#define WEFT_PROBE_NAMESPACE project_compiler_optional_hooks
#include "instrument/probe.hpp"
#undef WEFT_PROBE_NAMESPACE
#ifdef WEFT_HAVE_OTHER_COMPILER_PROBE
#define WEFT_PROBE_NAMESPACE other_compiler
#include "instrument/probe.hpp"
#undef WEFT_PROBE_NAMESPACE
#define WEFT_PROBE_NAMESPACE other_compiler_optional_hooks
#include "instrument/probe.hpp"
#undef WEFT_PROBE_NAMESPACE
#endif

namespace {

struct probe_copy {
  const char* name;
  std::string (*atomic_operations_misbehaving)();
  std::string (*plain_accesses_misbehaving)();
};

std::vector<probe_copy> every_copy() {
  namespace probes = weft_test;
  std::vector<probe_copy> copies{
      {"project compiler", probes::project_compiler::atomic_operations_misbehaving,
       probes::project_compiler::plain_accesses_misbehaving},
      {"project compiler, optional hooks",
       probes::project_compiler_optional_hooks::atomic_operations_misbehaving,
       probes::project_compiler_optional_hooks::plain_accesses_misbehaving},
  };
#ifdef WEFT_HAVE_OTHER_COMPILER_PROBE
  copies.push_back({"other compiler", probes::other_compiler::atomic_operations_misbehaving,
                    probes::other_compiler::plain_accesses_misbehaving});
  copies.push_back({"other compiler, optional hooks",
                    probes::other_compiler_optional_hooks::atomic_operations_misbehaving,
                    probes::other_compiler_optional_hooks::plain_accesses_misbehaving});
#endif
  return copies;
}

TEST(InstrumentProbe, AtomicHooksGiveTheResultsOfTheOperationsTheyStandFor) {
  for (const probe_copy& copy : every_copy())
    EXPECT_EQ(copy.atomic_operations_misbehaving(), "") << copy.name;
}

TEST(InstrumentProbe, PlainAccessHooksLeaveTheAccessesUnchanged) {
  for (const probe_copy& copy : every_copy()) EXPECT_EQ(copy.plain_accesses_misbehaving(), "") << copy.name;
}

TEST(InstrumentProbe, HooksBehaveTheSameInsideAControlledRun) {
  std::atomic<int> copies_checked{0};
  const weft::explore_result result = weft::explore(
      [&] {
        copies_checked = 0;
        for (const probe_copy& copy : every_copy()) {
          weft::expect(copy.atomic_operations_misbehaving().empty(),
                       std::string("atomic hooks of ") + copy.name);
          weft::expect(copy.plain_accesses_misbehaving().empty(), std::string("plain hooks of ") + copy.name);
          ++copies_checked;
        }
      },
      weft::explore_options().strategy("random").iterations(3).quiet());
  EXPECT_FALSE(result.failed()) << result.report;
  EXPECT_EQ(copies_checked.load(), static_cast<int>(every_copy().size()));
}

}  // namespace
