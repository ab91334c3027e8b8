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
};

// Compact, printable, shell-safe (no quoting needed), versioned and checksummed.
[[nodiscard]] std::string encode(const schedule& decisions);

struct decode_result {
  schedule decoded;
  std::string error;  // empty on success; otherwise names what is wrong: "not a weft schedule (it must
                      // start with ...)", "version 7 is newer than this weft", "checksum mismatch", ...
  [[nodiscard]] bool ok() const { return error.empty(); }
};
[[nodiscard]] decode_result decode(std::string_view text);

}  // namespace weft::sched
