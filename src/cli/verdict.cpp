#include "cli/verdict.hpp"

#include <algorithm>
#include <cstring>
#include <fstream>
#include <iterator>
#include <string_view>

#include "cli/protocol.hpp"
#include "sched/child_run.hpp"
#include "sched/outcome_words.hpp"
#include "sched/schedule_codec.hpp"

namespace weft::cli {
namespace {

// The run's report as the command shows it: without the library's Reproduce line (the command prints
// its own replay command) and without trailing blank lines.
std::string shown_report(const std::string& report) {
  std::string shown;
  std::size_t from = 0;
  while (from < report.size()) {
    const std::size_t end = std::min(report.find('\n', from), report.size());
    const std::string_view line = std::string_view(report).substr(from, end - from);
    if (!line.starts_with("Reproduce: WEFT_REPLAY=")) shown.append(line).append("\n");
    from = end + 1;
  }
  while (shown.ends_with("\n\n")) shown.pop_back();
  return shown;
}

std::string first_line(const std::string& text) {
  return text.substr(0, text.find('\n'));
}

// The schedule with the verdict's kind as its recorded outcome, so that weft replay can tell whether it
// reproduced the same failure. A schedule that does not decode is left as it is: replay will say why.
std::string with_outcome(const std::string& replay, const std::string& kind) {
  sched::decode_result decoded = sched::decode(replay);
  if (!decoded.ok() || decoded.decoded.outcome == kind) return replay;
  decoded.decoded.outcome = kind;
  return sched::encode(decoded.decoded);
}

}  // namespace

verdict judge_run(const std::string& result_path, const program_end& end, int expected_exit, bool timed_out,
                  const std::string& timeout_text) {
  std::ifstream in(result_path);
  const sched::child_run_report result = sched::read_child_run(
      std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()));
  verdict judged;
  judged.exit_code = end.exit_code;
  judged.signal = end.signal;
  const auto field = [&](const char* key) { return result.field(key); };
  judged.replay = field("replay");
  judged.uncontrolled = field("uncontrolled") == "1";
  judged.diverged = field("diverged") == "1";
  judged.divergence = field("divergence");
  judged.switches = field("switches");
  judged.story = field("story");
  judged.single_threaded = field("threads") == "1" && field("futex") == "0";
  if (judged.replay.empty()) judged.replay = sched::schedule_in_crash_line(result.crash_line);
  const std::string kind = field("kind");
  for (const auto& [key, text] : result.races) judged.races.push_back({key, text});

  // ASan reported before it ended the process, with a signal when its options say abort_on_error.
  const bool memory_error =
      sched::failure_named(kind) == explore_result::failure::memory_error && !result.report.empty();
  if (timed_out) {
    judged.failed = true;
    judged.kind = "timeout";
    judged.message = "the run did not end within " + timeout_text + " and was killed";
  } else if (!end.exited && !memory_error) {
    judged.failed = true;
    judged.kind = sched::word_of(explore_result::failure::crash);
    judged.message = std::string("the program died of ") + strsignal(end.signal);
    judged.report = "weft: " + judged.message + "\n";
    if (!result.crash_line.empty())
      judged.report += result.crash_line.substr(0, result.crash_line.find(" Reproduce:")) + "\n";
  } else if (!result.present) {
    judged.failed = true;
    judged.kind = "unreported";
    judged.message = "the program exited with " + std::to_string(end.exit_code) +
                     " without reporting to weft: is it statically linked, or did it call _exit while its "
                     "threads ran?";
  } else if (const bool completed = sched::failure_named(kind) == explore_result::failure::none;
             completed || kind == "exit_during_run") {
    if (end.exit_code != expected_exit) {
      judged.failed = true;
      judged.kind = "exit";
      judged.message = std::string(completed ? "main returned " : "the program called exit(") +
                       std::to_string(end.exit_code) + (completed ? "" : ")") + " (expected " +
                       std::to_string(expected_exit) + ")";
    }
  } else {
    judged.failed = true;
    judged.kind = kind.empty() ? "unreported" : kind;
    judged.report = shown_report(result.report);
    judged.message = first_line(result.report);
    if (judged.message.rfind("weft: ", 0) == 0) judged.message.erase(0, 6);
  }
  if (judged.failed && judged.report.empty()) judged.report = "weft: " + judged.message + "\n";
  if (judged.failed && !judged.replay.empty()) judged.replay = with_outcome(judged.replay, judged.kind);
  return judged;
}

}  // namespace weft::cli
