// `--races fail|report|off` of explore and replay: what a data race in instrumented code does to a
// run (weft::race_mode). Without the option, WEFT_RACES decides; without either, fail.
#pragma once

#include <CLI/CLI.hpp>
#include <string>

namespace weft::cli {

void add_races_option(CLI::App& subcommand, std::string& mode);

// The mode to use: `given` (the option's value, empty when not given), else WEFT_RACES, else "fail".
// Throws usage_error naming the option or the variable when the value is not fail, report or off.
[[nodiscard]] std::string races_setting(const std::string& given);

}  // namespace weft::cli
