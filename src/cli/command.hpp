// One subcommand of the weft command: its options (defined on a CLI11 subcommand) and what it does.
#pragma once

#include <CLI/CLI.hpp>
#include <memory>
#include <string>
#include <vector>

namespace weft::cli {

class command {
 public:
  virtual ~command() = default;
  // Adds the subcommand and its options to `weft`; returns it.
  virtual CLI::App* define(CLI::App& weft) = 0;
  // Runs it, after a successful parse, on `program` (the words after "--"; may be empty). Returns the
  // process's exit code; throws usage_error for bad input and tool_error when weft cannot work.
  [[nodiscard]] virtual int execute(const std::vector<std::string>& program) = 0;
};

[[nodiscard]] std::unique_ptr<command> make_run_command();
[[nodiscard]] std::unique_ptr<command> make_explore_command();
[[nodiscard]] std::unique_ptr<command> make_replay_command();
[[nodiscard]] std::unique_ptr<command> make_test_command();
[[nodiscard]] std::unique_ptr<command> make_dump_command();
[[nodiscard]] std::unique_ptr<command> make_diff_command();

// The path this weft was started as, for the replay commands it prints.
[[nodiscard]] const std::string& weft_path();
void set_weft_path(std::string path);

}  // namespace weft::cli
