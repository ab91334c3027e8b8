// `weft run [--settle-timeout MS] -- <program> [args]`: the program once, with weft preloaded, and a
// leak check when its main returns, like weft::verify_main.
#include <cstdio>
#include <cstring>
#include <fstream>
#include <string>

#include "cli/child_process.hpp"
#include "cli/command.hpp"
#include "cli/ignore_option.hpp"
#include "cli/number_check.hpp"
#include "cli/protocol.hpp"
#include "cli/temp_dir.hpp"
#include "cli/usage_error.hpp"

namespace weft::cli {
namespace {

class run_command final : public command {
 public:
  CLI::App* define(CLI::App& weft) override {
    CLI::App* run = weft.add_subcommand("run",
                                        "Run a program once with weft preloaded; report the threads it "
                                        "leaves running when main returns");
    run->add_option("--settle-timeout", settle_ms_, "How long leaked threads may take to exit, in ms")
        ->default_val(500)
        ->check(at_least(0));
    add_ignore_option(*run, ignore_rules_);
    run->add_option("program", program_, "The program and its arguments (after --)");
    return run;
  }

  int execute(const std::vector<std::string>& after_dashes) override {
    std::vector<std::string> program = after_dashes.empty() ? program_ : after_dashes;
    if (program.empty()) throw usage_error("no program given; usage: weft run [options] -- <program> [args]");
    const std::string ignore = ignore_setting(ignore_rules_);
    const temp_dir scratch;
    launch what;
    what.command = program;
    what.settings = {{mode_variable, "run"},
                     {result_variable, scratch.file("result")},
                     {settle_variable, std::to_string(settle_ms_)}};
    if (!ignore.empty()) what.settings.emplace_back("WEFT_IGNORE", ignore);
    const program_end end = wait_for(start_program(what));
    if (!end.exited) {
      std::fprintf(stderr, "weft run: %s died of %s\n", program.front().c_str(), strsignal(end.signal));
      return 128 + end.signal;
    }
    std::ifstream result(scratch.file("result"));
    std::string text((std::istreambuf_iterator<char>(result)), std::istreambuf_iterator<char>());
    if (text.find("checked: 1") == std::string::npos) {
      std::fprintf(stderr,
                   "weft run: %s exited with %d before weft could check it for leaked threads (it called "
                   "_exit(), or is statically linked)\n",
                   program.front().c_str(), end.exit_code);
    }
    return end.exit_code;
  }

 private:
  long settle_ms_ = 500;
  std::vector<std::string> ignore_rules_;
  std::vector<std::string> program_;
};

}  // namespace

std::unique_ptr<command> make_run_command() {
  return std::make_unique<run_command>();
}

}  // namespace weft::cli
