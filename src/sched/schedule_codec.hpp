// The replay string: the only place that knows its format.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace weft::sched {

// One decision at a scheduling point with more than one candidate.
struct decision {
  std::uint32_t chosen = 0;      // index into the candidates, sorted by thread id
  std::uint32_t candidates = 0;  // how many there were: a replay that sees another count has diverged
};

struct schedule {
  std::vector<decision> decisions;
  // How the recorded run ended, in the words of weft replay's verdicts ("deadlock", "check",
  // "signal", ...), so that a replay can say whether it reproduced that; empty when not known.
  // At most max_outcome_length characters, each a-z or '_'.
  std::string outcome{};
};
inline constexpr std::size_t max_outcome_length = 32;
// How every schedule this weft writes begins: "w", the format version, ".".
inline constexpr std::string_view schedule_prefix = "w3.";

// Compact, printable, shell-safe (no quoting needed), versioned and checksummed. A long run's
// decisions are compressed: a 200,000-step run takes a few hundred characters to a few tens of KiB,
// depending on how random its choices were (docs/scheduler.md has the figures). An outcome that is
// not a-z and '_' or longer than max_outcome_length is left out.
[[nodiscard]] std::string encode(const schedule& decisions);

struct decode_result {
  schedule decoded;
  std::string error;  // empty on success; otherwise names what is wrong: "not a weft schedule (it must
                      // start with ...)", "version 7 is newer than this weft", "checksum mismatch", ...
                      // Reads this format (w3.); refuses the older ones (w1., w2.), recorded by a
                      // scheduler with other points, by name.
  [[nodiscard]] bool ok() const { return error.empty(); }
};
[[nodiscard]] decode_result decode(std::string_view text);

}  // namespace weft::sched
