// Every WEFT_* variable weft reads, in one table. Each variable has one reader, in the room that uses
// it, which reads the variable when asked and throws config_error naming it; this table only calls
// them, so that a malformed value is refused when weft starts, not when the one code path that needs
// it first runs (a stack capture deep in a leak check, a test's end). Adding a variable is one reader
// in its room and one line here.
#include "config/check_environment.hpp"

#include <atomic>

#include "leaks/ignore_rules.hpp"
#include "platform/threads.hpp"
#include "report/stack_detail.hpp"
#include "sched/environment.hpp"
#include "weft/leaks.hpp"
#include "weft/options.hpp"

namespace weft {
namespace {

struct variable {
  const char* name;
  void (*check)();  // the variable's reader; throws config_error when the value is malformed
};

constexpr variable every_variable[] = {
    {"WEFT_LEAKS", [] { (void)leak_policy_from_environment(); }},
    {"WEFT_IGNORE", [] { (void)leaks::ignore_rules_from_environment(); }},
    {"WEFT_SIGNAL", [] { (void)platform::stack_signal_from_environment(); }},
    {"WEFT_FULL_STACKS", [] { (void)report::stack_detail_from_environment(); }},
    {"WEFT_REPLAY", [] { (void)sched::replay_from_environment(); }},
    {"WEFT_SEED", [] { (void)sched::seed_from_environment(); }},
    {"WEFT_ITERATIONS", [] { (void)sched::iterations_from_environment(); }},
    {"WEFT_STRATEGY", [] { (void)sched::strategy_from_environment(); }},
    {"WEFT_RACES", [] { (void)sched::races_from_environment(); }},
};

// Set once every variable passed; a failed check is not remembered, so the next call looks again.
std::atomic<bool> environment_checked{false};

}  // namespace

namespace config {

std::vector<std::string_view> checked_environment_variables() {
  std::vector<std::string_view> names;
  for (const variable& each : every_variable) names.push_back(each.name);
  return names;
}

}  // namespace config

void check_environment() {
  if (environment_checked.load(std::memory_order_acquire)) return;
  for (const variable& each : every_variable) each.check();
  environment_checked.store(true, std::memory_order_release);
}

}  // namespace weft
