// The settings a user types: WEFT_IGNORE (and the globs it holds), WEFT_LEAKS, and explore's
// WEFT_SEED, WEFT_ITERATIONS and WEFT_STRATEGY. Anything is either accepted or refused with
// weft::config_error; any other exception, a crash or a hang is a bug.
#include <fuzzer/FuzzedDataProvider.h>
#include <stdlib.h>

#include <string>

#include "leaks/ignore_rules.hpp"
#include "weft/leaks.hpp"
#include "weft/options.hpp"
#include "weft/sched.hpp"

namespace {

// A value with its NULs cut, as the environment can hold it.
std::string environment_value(FuzzedDataProvider& provider) {
  std::string value = provider.ConsumeRandomLengthString(256);
  return value.substr(0, value.find('\0'));
}

void fuzz_ignore_list(FuzzedDataProvider& provider) {
  const std::string list = provider.ConsumeRandomLengthString(512);
  const std::string name = provider.ConsumeRandomLengthString(256);
  try {
    for (const weft::ignore_rule& rule : weft::leaks::parse_ignore_list(list, "WEFT_IGNORE")) {
      (void)weft::leaks::matches(rule.pattern, name);
    }
  } catch (const weft::config_error&) {
  }
  (void)weft::leaks::matches(list, name);
}

void fuzz_leak_policy(FuzzedDataProvider& provider) {
  setenv("WEFT_LEAKS", environment_value(provider).c_str(), 1);
  try {
    (void)weft::leak_policy_from_environment();
  } catch (const weft::config_error&) {
  }
  unsetenv("WEFT_LEAKS");
}

void fuzz_explore_environment(FuzzedDataProvider& provider) {
  static constexpr const char* variables[] = {"WEFT_SEED", "WEFT_ITERATIONS", "WEFT_STRATEGY"};
  for (const char* variable : variables) {
    if (provider.ConsumeBool()) setenv(variable, environment_value(provider).c_str(), 1);
  }
  try {
    // A zero time budget: the settings are parsed and checked, and no schedule runs.
    (void)weft::explore([] {}, weft::explore_options().time_budget(std::chrono::milliseconds(0)).quiet());
  } catch (const weft::config_error&) {
  }
  for (const char* variable : variables) unsetenv(variable);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  FuzzedDataProvider provider(data, size);
  switch (provider.ConsumeIntegralInRange(0, 2)) {
    case 0:
      fuzz_ignore_list(provider);
      break;
    case 1:
      fuzz_leak_policy(provider);
      break;
    default:
      fuzz_explore_environment(provider);
      break;
  }
  return 0;
}
