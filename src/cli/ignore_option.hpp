// `--ignore RULE` of run, explore and replay: leak-check ignore rules in WEFT_IGNORE's syntax, handed
// to the program's leak checks (weft run's, a gtest or Catch2 listener's, and the end of a controlled
// run) through WEFT_IGNORE, after the environment's own rules.
#pragma once

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

namespace weft::cli {

void add_ignore_option(CLI::App& subcommand, std::vector<std::string>& rules);

// The WEFT_IGNORE the program gets: the environment's rules, then `rules`; empty when there are none.
// Throws usage_error naming the malformed entry, in the environment or in an --ignore.
[[nodiscard]] std::string ignore_setting(const std::vector<std::string>& rules);

}  // namespace weft::cli
