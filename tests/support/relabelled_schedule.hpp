// A schedule string with another recorded outcome: the same decisions, said to have ended otherwise.
// For tests of what a replay says when its run ends in another kind of failure than recorded.
#pragma once

#include <string>

#include "sched/schedule_codec.hpp"

namespace weft_test {

inline std::string relabelled(const std::string& replay, const std::string& outcome) {
  weft::sched::decode_result decoded = weft::sched::decode(replay);
  if (!decoded.ok()) return replay;
  decoded.decoded.outcome = outcome;
  return weft::sched::encode(decoded.decoded);
}

}  // namespace weft_test
