// The weft command: parses the command line and hands it to one subcommand (run.cpp, explore.cpp,
// replay.cpp, test.cpp, dump.cpp, diff.cpp). Exit codes: usage_error.hpp and docs/cli.md.
#include <algorithm>
#include <cstdio>
#include <cstring>
#include <exception>
#include <string>
#include <vector>

#include "cli/command.hpp"
#include "cli/usage_error.hpp"
#include "report/quoted_text.hpp"
#include "weft/options.hpp"

int main(int argc, char** argv) {
  using namespace weft::cli;
  set_weft_path(argc > 0 && std::strchr(argv[0], '/') != nullptr ? argv[0] : "weft");
  // Everything after the first "--" is the program and its arguments, untouched by weft's parser: a
  // program's own "-n" or "--help" must reach the program.
  std::vector<const char*> own_words;
  std::vector<std::string> program;
  bool in_program = false;
  for (int i = 0; i < argc; ++i) {
    if (in_program) {
      program.emplace_back(argv[i]);
    } else if (i > 0 && std::strcmp(argv[i], "--") == 0) {
      in_program = true;
    } else {
      own_words.push_back(argv[i]);
    }
  }

  CLI::App app("weft: run, explore and replay the thread interleavings of a program", "weft");
  app.require_subcommand(1);
  app.fallthrough(false);
  std::vector<std::unique_ptr<command>> commands;
  commands.push_back(make_run_command());
  commands.push_back(make_explore_command());
  commands.push_back(make_replay_command());
  commands.push_back(make_test_command());
  commands.push_back(make_dump_command());
  commands.push_back(make_diff_command());
  std::vector<CLI::App*> subcommands;
  for (const auto& each : commands) subcommands.push_back(each->define(app));

  // CLI11 would take an unknown word for a missing subcommand, or print the help for it and exit 0.
  if (own_words.size() > 1 && own_words[1][0] != '-' &&
      std::none_of(subcommands.begin(), subcommands.end(),
                   [&](const CLI::App* sub) { return sub->check_name(own_words[1]); })) {
    std::fprintf(stderr,
                 "weft: unknown subcommand %s; the subcommands are run, explore, replay, test, dump and diff\n"
                 "Run 'weft --help' for the options.\n",
                 weft::report::quoted_prefix(own_words[1]).c_str());
    return exit_bad_input;
  }
  try {
    app.parse(static_cast<int>(own_words.size()), own_words.data());
  } catch (const CLI::ParseError& error) {
    if (error.get_exit_code() == 0) return app.exit(error);  // --help on a subcommand, --version
    std::string which = "weft";
    for (CLI::App* sub : subcommands) {
      if (sub->parsed()) which += " " + sub->get_name();
    }
    std::fprintf(stderr, "%s: %s\nRun '%s --help' for the options.\n", which.c_str(), error.what(),
                 which.c_str());
    return exit_bad_input;
  }
  for (std::size_t i = 0; i < commands.size(); ++i) {
    if (!subcommands[i]->parsed()) continue;
    const std::string which = "weft " + subcommands[i]->get_name();
    try {
      // The program inherits the WEFT_* variables, and weft in it would refuse a malformed one only
      // once main has run (at the end of a run, or of every run); refused here, before the first.
      weft::check_environment();
    } catch (const weft::config_error& error) {
      std::string message = error.what();
      if (message.rfind("weft: ", 0) == 0) message.erase(0, 6);
      std::fprintf(stderr, "%s: %s\n", which.c_str(), message.c_str());
      return exit_bad_input;
    }
    try {
      return commands[i]->execute(program);
    } catch (const usage_error& error) {
      std::fprintf(stderr, "%s: %s\n", which.c_str(), error.what());
      return exit_bad_input;
    } catch (const tool_error& error) {
      std::fprintf(stderr, "%s: %s\n", which.c_str(), error.what());
      return exit_cannot_work;
    } catch (const std::exception& error) {
      std::fprintf(stderr, "%s: %s (a weft bug)\n", which.c_str(), error.what());
      return exit_cannot_work;
    }
  }
  return exit_bad_input;
}
