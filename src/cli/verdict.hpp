// What one run of the program under a controlled schedule came to, from its result file
// (protocol.hpp) and how the process ended.
#pragma once

#include <string>
#include <vector>

#include "cli/child_process.hpp"

namespace weft::cli {

struct verdict {
  bool failed = false;
  // "deadlock", "livelock", "leak", "check" (weft::expect), "exception", "hung", "race",
  // "use-after-free", "double-free", "exit" (an unexpected exit code), "signal", "timeout", or
  // "unreported" (the program never ran main through weft).
  std::string kind;
  std::string message;  // one line
  std::string report;   // the full report, without the library's WEFT_REPLAY line
  std::string replay;   // the schedule; empty when the program died before telling it
  bool uncontrolled = false;
  bool diverged = false;
  std::string divergence;
  int exit_code = -1;
  int signal = 0;
  // The run had one thread and made no futex call: it has no other schedule. False when the run did
  // not say (it crashed, or the program called exit() mid-run).
  bool single_threaded = false;
  // --races report: the races the run exhibited; key names the pair of source locations.
  struct race {
    std::string key;
    std::string text;
  };
  std::vector<race> races;
  // A replayed or guided run (the command's shrinking): the switches it took (guided.hpp's
  // encode_switches) and its story's lines (story.hpp's story_lines); empty otherwise, and when the
  // process died before it could tell them.
  std::string switches;
  std::string story;
};

// Reads `result_path` and judges the run: `end` is how the process ended, `expected_exit` the exit code
// of a normal run, `timed_out` whether weft killed it after `timeout_text`.
[[nodiscard]] verdict judge_run(const std::string& result_path, const program_end& end, int expected_exit,
                                bool timed_out, const std::string& timeout_text);

}  // namespace weft::cli
