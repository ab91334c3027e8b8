// The libFuzzer integration's part of the internal surface (internal/surface.hpp): the scheduler's
// own functions, under the names libweft.so exports.
#include "internal/surface.hpp"
#include "sched/environment.hpp"
#include "sched/interleaving_feedback.hpp"

namespace weft::internal {

void start_interleaving_feedback(std::span<std::uint8_t> counters) {
  sched::start_interleaving_feedback(counters);
}

std::optional<race_mode> races_from_environment() {
  return sched::races_from_environment();
}

std::optional<std::string> replay_from_environment() {
  return sched::replay_from_environment();
}

}  // namespace weft::internal
