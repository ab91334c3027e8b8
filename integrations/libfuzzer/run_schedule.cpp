// One fuzzer input, one controlled run under the bytes strategy.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "extra_counters.hpp"
#include "internal/surface.hpp"
#include "weft/sched.hpp"

namespace weft::libfuzzer {
namespace {

// Inputs run by this process, for the failure message: how many executions found the bug.
std::size_t inputs_run = 0;

bool feedback_wanted() {
  const char* setting = std::getenv("WEFT_FUZZ_FEEDBACK");
  if (setting == nullptr || std::strcmp(setting, "on") == 0) return true;
  if (std::strcmp(setting, "off") == 0) return false;
  std::fprintf(stderr, "weft: WEFT_FUZZ_FEEDBACK must be on or off; got \"%s\"\n", setting);
  std::exit(1);
}

// Once per process, before the first run: the options every input runs under but for its bytes. The
// input alone decides the schedule, or a crash input would not reproduce: of the scheduler's variables
// only WEFT_RACES and WEFT_REPLAY count here, and explore is told not to read the others.
const explore_options& prepared_options() {
  static const explore_options prepared = [] {
    for (const char* overriding : {"WEFT_STRATEGY", "WEFT_SEED", "WEFT_ITERATIONS"}) {
      if (std::getenv(overriding) == nullptr) continue;
      std::fprintf(stderr, "weft: %s is ignored in a fuzz target: the input chooses the schedule\n",
                   overriding);
    }
    explore_options options =
        explore_options().strategy("bytes").iterations(1).quiet().read_environment(false);
    if (const std::optional<race_mode> races = internal::races_from_environment()) options.races(*races);
    if (std::optional<std::string> schedule = internal::replay_from_environment())
      options.replay_schedule(std::move(*schedule));
    if (feedback_wanted()) internal::start_interleaving_feedback(extra_counters());
    return options;
  }();
  return prepared;
}

int run_once(const std::uint8_t* schedule, std::size_t schedule_size, const std::function<void()>& test) {
  const explore_options& prepared = prepared_options();
  ++inputs_run;
  const std::string_view decisions(reinterpret_cast<const char*>(schedule), schedule_size);
  const explore_result result = explore(test, explore_options(prepared).bytes(decisions));
  if (result.diverged) {
    // WEFT_REPLAY was set and this program took another path: no verdict, but no silence either.
    std::fprintf(stderr, "%s", result.report.c_str());
    return 0;
  }
  if (!result.failed()) return 0;
  std::fprintf(stderr,
               "%s\nweft: input %zu of this fuzzing process failed. The input is the schedule: run this "
               "binary on the crash file libFuzzer saves to replay it.\n",
               result.report.c_str(), inputs_run);
  std::fflush(stderr);
  std::abort();
}

}  // namespace

// Declared in <weft/libfuzzer.hpp>, which this file does not include: that header needs clang's
// <fuzzer/FuzzedDataProvider.h>, and this library is built by whichever compiler builds weft, GCC
// included, so that a GCC-built install still serves clang fuzz targets.
int run_schedule(const std::uint8_t* data, std::size_t size, const std::function<void()>& test) {
  return run_once(data, size, test);
}

}  // namespace weft::libfuzzer
