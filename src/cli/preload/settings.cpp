// The WEFT_CLI_* variables the weft command sets (../protocol.hpp).
#include <fcntl.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "cli/preload/preloaded_main.hpp"
#include "cli/protocol.hpp"
#include "sched/schedule_file.hpp"

namespace weft::cli {
namespace {

std::string text_of(const char* variable) {
  const char* value = std::getenv(variable);
  return value != nullptr ? value : "";
}

// The command wrote these values itself, so a bad one is a weft bug, not the user's input.
std::int64_t number_of(const char* variable, std::int64_t fallback) {
  const std::string text = text_of(variable);
  if (text.empty()) return fallback;
  char* end = nullptr;
  errno = 0;
  const long long value = std::strtoll(text.c_str(), &end, 10);
  if (errno != 0 || *end != '\0' || value < 0) {
    std::fprintf(stderr, "weft: %s must be a non-negative integer; got \"%s\" (a weft bug)\n", variable,
                 text.c_str());
    std::_Exit(4);
  }
  return value;
}

// Seeds and run indices are std::uint64_t from the command's parsing to the strategy.
std::uint64_t unsigned_of(const char* variable, std::uint64_t fallback) {
  const std::string text = text_of(variable);
  if (text.empty()) return fallback;
  char* end = nullptr;
  errno = 0;
  const unsigned long long value = std::strtoull(text.c_str(), &end, 10);
  if (errno != 0 || *end != '\0' || text[0] < '0' || text[0] > '9') {
    std::fprintf(stderr, "weft: %s must be a whole number from 0 to 2^64-1; got \"%s\" (a weft bug)\n",
                 variable, text.c_str());
    std::_Exit(4);
  }
  return value;
}

}  // namespace

preloaded_settings read_settings() {
  preloaded_settings settings;
  settings.result_path = text_of(result_variable);
  if (const std::string strategy = text_of(strategy_variable); !strategy.empty())
    settings.strategy = strategy;
  settings.seed = unsigned_of(seed_variable, 1);
  settings.depth = static_cast<int>(number_of(depth_variable, 3));
  settings.run_index = unsigned_of(run_variable, 0);
  if (const std::string path = text_of(replay_variable); !path.empty()) {
    const sched::schedule_text schedule = sched::read_schedule_file(path);
    if (!schedule.ok()) {
      std::fprintf(stderr, "%s (a weft bug: the weft command wrote it)\n", schedule.error.c_str());
      std::_Exit(4);
    }
    settings.replay = schedule.text;
  }
  settings.trace_path = text_of(trace_variable);
  settings.hard_timeout_ms = number_of(hard_timeout_variable, settings.hard_timeout_ms);
  settings.max_steps = number_of(max_steps_variable, settings.max_steps);
  settings.settle_ms = number_of(settle_variable, settings.settle_ms);
  if (const std::string races = text_of(races_variable); !races.empty()) {
    if (races == "report") {
      settings.races = race_mode::report;
    } else if (races == "off") {
      settings.races = race_mode::off;
    } else if (races != "fail") {
      std::fprintf(stderr, "weft: %s must be fail, report or off; got \"%s\" (a weft bug)\n", races_variable,
                   races.c_str());
      std::_Exit(4);
    }
  }
  if (const std::string fds = text_of(remote_variable); !fds.empty()) {
    if (std::sscanf(fds.c_str(), "%d,%d", &settings.remote_requests, &settings.remote_replies) != 2) {
      std::fprintf(stderr, "weft: %s must be two file descriptors; got \"%s\" (a weft bug)\n",
                   remote_variable, fds.c_str());
      std::_Exit(4);
    }
    // The program's own children must not inherit them.
    fcntl(settings.remote_requests, F_SETFD, FD_CLOEXEC);
    fcntl(settings.remote_replies, F_SETFD, FD_CLOEXEC);
  }
  return settings;
}

}  // namespace weft::cli
