// `weft replay <schedule|file> [--trace out.json] -- <program> [args]`: the program once, under
// exactly that schedule. `weft replay --bytes FILE -- <fuzzer> [args]`: a schedule fuzzer
// (WEFT_FUZZ_SCHEDULES) once on the input libFuzzer saved, which is the schedule.
#include <signal.h>
#include <sys/wait.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>

#include "cli/child_process.hpp"
#include "cli/command.hpp"
#include "cli/ignore_option.hpp"
#include "cli/number_check.hpp"
#include "cli/output_path.hpp"
#include "cli/protocol.hpp"
#include "cli/race_option.hpp"
#include "cli/temp_dir.hpp"
#include "cli/usage_error.hpp"
#include "cli/verdict.hpp"
#include "report/quoted_text.hpp"
#include "sched/schedule_codec.hpp"
#include "sched/schedule_file.hpp"

namespace weft::cli {
namespace {

// Whether `given` has a schedule's shape, "w<digits>.": then it is taken as one, whether or not it
// decodes, so that a damaged schedule gets the codec's precise message.
bool looks_like_a_schedule(const std::string& given) {
  std::size_t digits = 1;
  while (digits < given.size() && given[digits] >= '0' && given[digits] <= '9') ++digits;
  return given.size() > 2 && given[0] == 'w' && digits > 1 && digits < given.size() && given[digits] == '.';
}

// A schedule given as text ("w3...."), as a file weft explore wrote (--save-dir, or the file a long
// schedule was saved to), or as "@FILE" as weft prints it for in-process runs.
std::string schedule_from(const std::string& given) {
  const std::string path = given.starts_with('@') ? given.substr(1) : given;
  std::error_code error;
  // A long schedule string is no file name; asking the file system about it fails with
  // ENAMETOOLONG, which says no such file too.
  const bool is_file = std::filesystem::is_regular_file(path, error);
  if (!is_file && !given.starts_with('@') && looks_like_a_schedule(given)) return given;
  if (!is_file) {
    throw usage_error(report::quoted_prefix(given) + " is neither a schedule (they start with \"" +
                      std::string(sched::schedule_prefix) + "\") nor a readable file");
  }
  const sched::schedule_text found = sched::read_schedule_file(path);
  if (found.ok()) return found.text;
  // read_schedule_file names the path as given; the user's path is quoted here like any of their text.
  if (found.error.ends_with("holds no schedule"))
    throw usage_error("the file " + report::quoted_prefix(path) + " holds no schedule");
  throw usage_error("cannot read the schedule file " + report::quoted_prefix(path));
}

class replay_command final : public command {
 public:
  CLI::App* define(CLI::App& weft) override {
    CLI::App* replay = weft.add_subcommand("replay", "Run a program once under exactly one schedule");
    replay->add_option("schedule", schedule_, "The schedule (w3....) or a file holding it");
    replay->add_option("--bytes", bytes_path_,
                       "A schedule fuzzer's saved input (crash-...): runs the fuzzer on it");
    replay->add_option("--trace", trace_path_,
                       "Write the interleaving as Chrome trace-event JSON (Perfetto)");
    replay->add_option("--expect-exit", expect_exit_, "The exit code of a normal run")->default_val(0);
    replay->add_option("--max-steps", max_steps_, "The livelock bound the schedule was explored with")
        ->default_val(100'000)
        ->check(at_least(1));
    replay->add_option("--timeout", timeout_s_, "Seconds before the run is killed")
        ->default_val(60)
        ->check(positive_seconds());
    add_ignore_option(*replay, ignore_rules_);
    add_races_option(*replay, races_);
    replay->add_flag("--fresh-dir", fresh_dir_,
                     "Start the run in a new empty directory, removed afterwards unless the run failed");
    replay->add_option("--setup", setup_,
                       "A shell command run before the run in its directory (not under control)");
    replay->add_flag("-q,--quiet", quiet_, "Print nothing but the verdict");
    replay->add_option("program", program_, "The program and its arguments (after --)");
    return replay;
  }

  int execute(const std::vector<std::string>& after_dashes) override {
    if (!after_dashes.empty()) program_ = after_dashes;
    if (program_.empty())
      throw usage_error("no program given; usage: weft replay <schedule|file> [options] -- <program> [args]");
    const std::string ignore = ignore_setting(ignore_rules_);
    races_ = races_setting(races_);
    if (!bytes_path_.empty()) return replay_bytes();
    if (schedule_.empty())
      throw usage_error(
          "no schedule given; usage: weft replay <schedule|file> [options] -- <program> [args]");
    if (!trace_path_.empty()) check_writable_file("--trace", trace_path_);
    const std::string schedule = schedule_from(schedule_);
    const sched::decode_result decoded = sched::decode(schedule);
    if (!decoded.ok()) {
      std::string error = decoded.error;
      if (error.rfind("weft: ", 0) == 0) error.erase(0, 6);
      // The codec quotes what it was given too; the prefix is shown once, here, with the size.
      if (const std::size_t got = error.find("; got \""); got != std::string::npos) error.erase(got);
      // The schedule may be anything a file held: show a short, escaped prefix, never the whole.
      const std::string source =
          schedule == schedule_ ? "" : " in the file " + report::quoted_prefix(schedule_);
      throw usage_error("bad schedule " + report::quoted_prefix(schedule) + source + ": " + error);
    }
    const temp_dir scratch;
    // Through a file, not the environment, where one string may hold at most 128 KiB.
    if (const std::string error = sched::write_schedule_file(scratch.file("schedule"), schedule, "");
        !error.empty()) {
      throw tool_error(error.substr(6));
    }
    launch what;
    what.command = program_;
    const auto hard_timeout_ms = static_cast<long long>(std::max(100.0, timeout_s_ * 1000 * 3 / 4));
    what.settings = {{mode_variable, "controlled"},
                     {result_variable, scratch.file("result")},
                     {replay_variable, scratch.file("schedule")},
                     {hard_timeout_variable, std::to_string(hard_timeout_ms)},
                     {max_steps_variable, std::to_string(max_steps_)},
                     {races_variable, races_}};
    if (!ignore.empty()) what.settings.emplace_back("WEFT_IGNORE", ignore);
    if (!trace_path_.empty())
      what.settings.emplace_back(trace_variable, std::filesystem::absolute(trace_path_));
    if (fresh_dir_) {
      // The run starts elsewhere: a relative program path would name nothing there.
      if (what.command.front().find('/') != std::string::npos)
        what.command.front() = std::filesystem::absolute(what.command.front()).lexically_normal().string();
      what.working_directory = make_fresh_directory();
    }
    what.setup_command = setup_;
    what.setup_timeout_s = timeout_s_;
    const pid_t child = start_program(what);
    const program_end end = wait_with_timeout(child);
    char timeout_text[32];
    std::snprintf(timeout_text, sizeof timeout_text, "%g s", timeout_s_);
    const verdict judged = judge_run(scratch.file("result"), end, expect_exit_, timed_out_, timeout_text);
    if (!what.working_directory.empty()) {
      std::error_code ignored;
      if (judged.failed) {
        std::fprintf(stderr, "weft replay: the run's directory is kept: %s\n",
                     what.working_directory.c_str());
      } else {
        std::filesystem::remove_all(what.working_directory, ignored);
      }
    }
    for (const verdict::race& race : judged.races)
      std::fprintf(stderr, "weft replay: the run exhibited a data race (--races report):\n%s",
                   race.text.c_str());
    if (judged.diverged) {
      std::fprintf(stderr, "weft replay: the program took another path than the schedule: %s\n",
                   judged.divergence.c_str());
      if (judged.failed && !quiet_) std::fprintf(stderr, "%s", judged.report.c_str());
      return exit_diverged;
    }
    const std::string& recorded = decoded.decoded.outcome;
    if (!recorded.empty() && (!judged.failed || judged.kind != recorded)) {
      // Another end than the recorded one: this is not the failure the schedule reproduces.
      if (judged.failed && !quiet_) std::fprintf(stderr, "%s", judged.report.c_str());
      const std::string ended = judged.failed ? "failed with " + judged.kind + " (" + judged.message + ")"
                                              : "ran to its end without a failure";
      std::fprintf(stderr,
                   "weft replay: differs: the replay %s, but the schedule was recorded from a %s failure\n",
                   ended.c_str(), recorded.c_str());
      return exit_diverged;
    }
    if (judged.failed) {
      if (!quiet_) std::fprintf(stderr, "%s", judged.report.c_str());
      std::fprintf(stderr, "weft replay: reproduced: %s: %s\n", judged.kind.c_str(), judged.message.c_str());
      if (judged.uncontrolled)
        std::fputs(
            "weft replay: the run needed the watchdog; it may not be the same run as the one recorded\n",
            stderr);
      return exit_failure_found;
    }
    if (!quiet_) std::fputs("weft replay: the schedule ran to its end without a failure\n", stderr);
    return exit_ok;
  }

 private:
  // libFuzzer runs a target once on each file argument: the input decides every scheduling decision,
  // so the fuzzer itself replays. It exits 0 when the input passes and non-zero (77, libFuzzer's
  // error code) or by a signal when it fails.
  int replay_bytes() {
    if (!schedule_.empty()) throw usage_error("give a schedule or --bytes FILE, not both");
    if (!trace_path_.empty())
      throw usage_error("--trace needs a schedule; a fuzzer's input cannot be traced");
    if (!std::filesystem::is_regular_file(bytes_path_))
      throw usage_error("--bytes " + bytes_path_ + ": no such file");
    launch what;
    what.command = program_;
    what.command.push_back(std::filesystem::absolute(bytes_path_));
    const program_end end = wait_with_timeout(start_program(what));
    if (timed_out_) {
      std::fprintf(stderr, "weft replay: the fuzzer did not finish within %g s\n", timeout_s_);
      return exit_failure_found;
    }
    if (end.exited && end.exit_code == expect_exit_) {
      if (!quiet_) std::fputs("weft replay: the input ran without a failure\n", stderr);
      return exit_ok;
    }
    std::fprintf(stderr, "weft replay: reproduced: the fuzzer %s on %s\n",
                 end.exited ? ("exited with " + std::to_string(end.exit_code)).c_str()
                            : ("died of signal " + std::to_string(end.signal)).c_str(),
                 bytes_path_.c_str());
    return exit_failure_found;
  }

  program_end wait_with_timeout(pid_t child) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(timeout_s_);
    for (;;) {
      int status = 0;
      const pid_t done = waitpid(child, &status, WNOHANG);
      if (done == child) return end_of(status);
      if (done < 0 && errno != EINTR) return {};
      if (!timed_out_ && std::chrono::steady_clock::now() >= deadline) {
        timed_out_ = true;
        kill(child, SIGKILL);
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
  }

  std::string schedule_;
  std::string bytes_path_;
  std::string trace_path_;
  int expect_exit_ = 0;
  std::size_t max_steps_ = 100'000;
  double timeout_s_ = 60;
  bool quiet_ = false;
  bool fresh_dir_ = false;
  std::string setup_;
  bool timed_out_ = false;
  std::string races_;
  std::vector<std::string> ignore_rules_;
  std::vector<std::string> program_;
};

}  // namespace

std::unique_ptr<command> make_replay_command() {
  return std::make_unique<replay_command>();
}

}  // namespace weft::cli
