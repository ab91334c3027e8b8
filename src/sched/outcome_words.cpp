#include "sched/outcome_words.hpp"

#include <array>
#include <utility>

namespace weft::sched {
namespace {

using failure = explore_result::failure;

constexpr std::array<std::pair<failure, std::string_view>, 12> words = {{
    {failure::none, "completed"},
    {failure::exception, "exception"},
    {failure::deadlock, "deadlock"},
    {failure::livelock, "livelock"},
    {failure::leak, "leak"},
    {failure::user_check, "check"},
    {failure::hung, "hung"},
    {failure::crash, "signal"},
    {failure::race, "race"},
    {failure::memory_error, "memory-error"},
    {failure::use_after_free, "use-after-free"},
    {failure::double_free, "double-free"},
}};

}  // namespace

explore_result::failure failure_of(run_end_kind kind) {
  switch (kind) {
    case run_end_kind::completed:
      return failure::none;
    case run_end_kind::deadlock:
      return failure::deadlock;
    case run_end_kind::livelock:
      return failure::livelock;
    case run_end_kind::leak:
      return failure::leak;
    case run_end_kind::exception:
      return failure::exception;
    case run_end_kind::user_check:
      return failure::user_check;
    case run_end_kind::hung:
      return failure::hung;
    case run_end_kind::race:
      return failure::race;
    case run_end_kind::use_after_free:
      return failure::use_after_free;
    case run_end_kind::double_free:
      return failure::double_free;
  }
  return failure::none;
}

std::string_view word_of(explore_result::failure kind) {
  for (const auto& [known, word] : words) {
    if (known == kind) return word;
  }
  return "completed";
}

std::optional<explore_result::failure> failure_named(std::string_view word) {
  for (const auto& [known, spelled] : words) {
    if (spelled == word) return known;
  }
  return std::nullopt;
}

}  // namespace weft::sched
