#include "sched/environment.hpp"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>

#include "report/quoted_text.hpp"
#include "sched/schedule_codec.hpp"
#include "sched/schedule_file.hpp"
#include "sched/strategies/strategy.hpp"
#include "weft/options.hpp"

namespace weft::sched {
namespace {

// A schedule can be megabytes long and hold any byte: messages show a short, escaped prefix.
std::string quoted(std::string_view value) {
  return report::quoted_prefix(value);
}

std::optional<std::uint64_t> number_from(const char* variable) {
  const char* text = std::getenv(variable);
  if (text == nullptr) return std::nullopt;
  char* end = nullptr;
  errno = 0;
  const unsigned long long value = std::strtoull(text, &end, 10);
  if (errno != 0 || end == text || *end != '\0' || std::strchr(text, '-') != nullptr) {
    throw config_error(std::string("weft: ") + variable + " must be a non-negative integer; got " +
                       quoted(text));
  }
  return value;
}

}  // namespace

std::optional<std::uint64_t> seed_from_environment() {
  return number_from("WEFT_SEED");
}

std::optional<std::uint64_t> iterations_from_environment() {
  return number_from("WEFT_ITERATIONS");
}

std::optional<std::string> strategy_from_environment() {
  const char* name = std::getenv("WEFT_STRATEGY");
  if (name == nullptr) return std::nullopt;
  strategy_kind kind;
  if (!parse_strategy(name, kind)) {
    throw config_error(
        "weft: WEFT_STRATEGY must be one of random, pct, pos, dfs, bytes, portfolio, surw, rff; got " +
        quoted(name));
  }
  return name;
}

std::optional<race_mode> races_from_environment() {
  const char* mode = std::getenv("WEFT_RACES");
  if (mode == nullptr) return std::nullopt;
  const std::string_view given = mode;
  if (given == "fail") return race_mode::fail;
  if (given == "report") return race_mode::report;
  if (given == "off") return race_mode::off;
  throw config_error("weft: WEFT_RACES must be fail, report or off; got " + quoted(given));
}

std::optional<std::string> replay_from_environment() {
  const char* given = std::getenv("WEFT_REPLAY");
  if (given == nullptr) return std::nullopt;
  // The codec's and the schedule file's messages quote what they were given already, shortened.
  const auto refuse = [](std::string_view why) {
    if (why.starts_with("weft: ")) why.remove_prefix(6);
    return config_error("weft: WEFT_REPLAY: " + std::string(why));
  };
  schedule_text schedule = resolve_schedule(given);
  if (!schedule.ok()) throw refuse(schedule.error);
  if (const decode_result decoded = decode(schedule.text); !decoded.ok()) throw refuse(decoded.error);
  return std::move(schedule.text);
}

}  // namespace weft::sched
