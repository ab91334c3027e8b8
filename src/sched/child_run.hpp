// A run reported by the process it ran in: a fork()ed run of weft::explore (fork_each_run) writes it
// into a pipe, and a program the weft command starts writes it into its result file. One text for
// both, written with child_run_text and read with read_child_run:
//
//   weft-cli-result 1                     the first line
//   <key>: <value>                        one line per field, as_one_line: kind (outcome_words.hpp, or a
//   writer's
//                                         own word such as the preload's exit_during_run), steps,
//                                         uncontrolled, diverged, divergence, replay, ...
//   race: <key>\t<text>                   one line per data race, both as_one_line
//   report:                               then the failure report, to the end
//
// A fatal signal leaves crash_guard's line instead, or after what was written: "weft: <signal> during
// schedule N. Reproduce: WEFT_REPLAY=<schedule or @file>".
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace weft::sched {

inline constexpr std::string_view child_run_magic = "weft-cli-result 1";

// Builds the text: the first line, then fields, race lines and an optional report, in call order.
class child_run_text {
 public:
  child_run_text();
  child_run_text& add(std::string_view key, std::string_view value);
  child_run_text& add(std::string_view key, long long value) { return add(key, std::to_string(value)); }
  child_run_text& add_race(std::string_view key, std::string_view text);
  // Last: the report runs to the end of the text.
  child_run_text& report(std::string_view text);
  [[nodiscard]] const std::string& text() const { return text_; }

 private:
  std::string text_;
};

struct child_run_report {
  bool present = false;  // the first line was there: the run got to report
  std::map<std::string, std::string, std::less<>> fields;
  std::vector<std::pair<std::string, std::string>> races;  // key and text of each race
  std::string report;                                      // as written, to the end
  std::string crash_line;                                  // crash_guard's, when a signal ended the run

  // The field's value; empty when it is missing.
  [[nodiscard]] std::string field(std::string_view key) const;
};

[[nodiscard]] child_run_report read_child_run(std::string_view text);

// The schedule the first "WEFT_REPLAY=" of `text` names (crash_guard's line), read from its file when
// it is "@<file>"; empty when there is none or the file cannot be read.
[[nodiscard]] std::string schedule_in_crash_line(std::string_view text);

}  // namespace weft::sched
