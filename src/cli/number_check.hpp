// A CLI11 check for whole numbers with a lower bound, with a message that quotes the value seen
// (CLI11's own range check prints the bounds of a double).
#pragma once

#include <CLI/CLI.hpp>
#include <string>

namespace weft::cli {

inline CLI::Validator at_least(long long lowest) {
  return CLI::Validator(
      [lowest](std::string& text) -> std::string {
        std::size_t used = 0;
        long long value = 0;
        try {
          value = std::stoll(text, &used);
        } catch (const std::exception&) {
          used = 0;
        }
        if (used == 0 || used != text.size() || value < lowest) {
          return "must be a whole number of at least " + std::to_string(lowest) + "; got \"" + text + "\"";
        }
        return "";
      },
      ">=" + std::to_string(lowest));
}

// A seed: any whole number an std::uint64_t holds, the type the program's strategies take.
inline CLI::Validator unsigned_64() {
  return CLI::Validator(
      [](std::string& text) -> std::string {
        std::size_t used = 0;
        bool fits = !text.empty() && text[0] >= '0' && text[0] <= '9';
        try {
          if (fits) (void)std::stoull(text, &used);
        } catch (const std::exception&) {
          fits = false;
        }
        if (!fits || used != text.size()) {
          return "must be a whole number from 0 to 18446744073709551615; got \"" + text + "\"";
        }
        return "";
      },
      "UINT64");
}

inline CLI::Validator positive_seconds() {
  return CLI::Validator(
      [](std::string& text) -> std::string {
        std::size_t used = 0;
        double value = 0;
        try {
          value = std::stod(text, &used);
        } catch (const std::exception&) {
          used = 0;
        }
        if (used == 0 || used != text.size() || !(value > 0)) {
          return "must be a positive number of seconds; got \"" + text + "\"";
        }
        return "";
      },
      "SECONDS");
}

}  // namespace weft::cli
