#include "cli/verdict.hpp"

#include <cstring>
#include <fstream>
#include <map>
#include <sstream>

#include "cli/protocol.hpp"
#include "sched/schedule_codec.hpp"
#include "sched/schedule_file.hpp"

namespace weft::cli {
namespace {

struct result_file {
  bool present = false;
  std::map<std::string, std::string> fields;
  std::string report;
  std::vector<std::string> races;  // "race" lines, which repeat
  std::string
      crash_line;  // crash_guard's line: "weft: <signal> during schedule N. Reproduce: WEFT_REPLAY=..."
};

result_file read_result(const std::string& path) {
  result_file result;
  std::ifstream in(path);
  std::string line;
  bool in_report = false;
  while (std::getline(in, line)) {
    if (line.find("WEFT_REPLAY=") != std::string::npos && line.rfind("weft: ", 0) == 0 &&
        line.find(" during schedule ") != std::string::npos) {
      result.crash_line = line;
      continue;
    }
    if (in_report) {
      // The library tells how to replay in-process; the weft command prints its own replay command.
      if (line.rfind("Reproduce: WEFT_REPLAY=", 0) != 0) result.report += line + "\n";
      continue;
    }
    if (line == result_magic) {
      result.present = true;
    } else if (line == "report:") {
      in_report = true;
    } else if (line.rfind("race: ", 0) == 0) {
      result.races.push_back(line.substr(6));
    } else if (const std::size_t colon = line.find(": "); colon != std::string::npos) {
      result.fields[line.substr(0, colon)] = line.substr(colon + 2);
    }
  }
  while (result.report.ends_with("\n\n")) result.report.pop_back();
  return result;
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
  const result_file result = read_result(result_path);
  verdict judged;
  judged.exit_code = end.exit_code;
  judged.signal = end.signal;
  const auto field = [&](const char* key) {
    const auto found = result.fields.find(key);
    return found == result.fields.end() ? std::string() : found->second;
  };
  judged.replay = field("replay");
  judged.uncontrolled = field("uncontrolled") == "1";
  judged.diverged = field("diverged") == "1";
  judged.divergence = field("divergence");
  judged.single_threaded = field("threads") == "1" && field("futex") == "0";
  if (judged.replay.empty()) {
    if (const std::size_t at = result.crash_line.find("WEFT_REPLAY="); at != std::string::npos) {
      // A long schedule is in the file the crash guard names: "WEFT_REPLAY=@<file>".
      judged.replay = sched::resolve_schedule(result.crash_line.substr(at + 12)).text;
    }
  }
  const std::string kind = field("kind");
  for (const std::string& race : result.races) {
    const std::size_t tab = race.find('\t');
    if (tab == std::string::npos) continue;
    judged.races.push_back({from_one_line(race.substr(0, tab)), from_one_line(race.substr(tab + 1))});
  }

  if (timed_out) {
    judged.failed = true;
    judged.kind = "timeout";
    judged.message = "the run did not end within " + timeout_text + " and was killed";
  } else if (!end.exited) {
    judged.failed = true;
    judged.kind = "signal";
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
  } else if (kind == "completed" || kind == "exit_during_run") {
    if (end.exit_code != expected_exit) {
      judged.failed = true;
      judged.kind = "exit";
      judged.message = std::string(kind == "completed" ? "main returned " : "the program called exit(") +
                       std::to_string(end.exit_code) + (kind == "completed" ? "" : ")") + " (expected " +
                       std::to_string(expected_exit) + ")";
    }
  } else {
    judged.failed = true;
    judged.kind = kind.empty() ? "unreported" : kind;
    judged.report = result.report;
    judged.message = first_line(result.report);
    if (judged.message.rfind("weft: ", 0) == 0) judged.message.erase(0, 6);
  }
  if (judged.failed && judged.report.empty()) judged.report = "weft: " + judged.message + "\n";
  if (judged.failed && !judged.replay.empty()) judged.replay = with_outcome(judged.replay, judged.kind);
  return judged;
}

}  // namespace weft::cli
