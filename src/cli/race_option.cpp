#include "cli/race_option.hpp"

#include <cstdlib>

#include "cli/usage_error.hpp"
#include "report/quoted_text.hpp"

namespace weft::cli {

void add_races_option(CLI::App& subcommand, std::string& mode) {
  subcommand.add_option("--races", mode,
                        "fail: a data race fails its run (default); report: list every distinct race and "
                        "go on exploring; off: ignore races");
}

std::string races_setting(const std::string& given) {
  const char* from_environment = std::getenv("WEFT_RACES");
  const std::string source = !given.empty() ? "--races" : "WEFT_RACES";
  const std::string mode = !given.empty() ? given : from_environment != nullptr ? from_environment : "fail";
  if (mode != "fail" && mode != "report" && mode != "off")
    throw usage_error(source + " must be fail, report or off; got " + report::quoted_prefix(mode));
  return mode;
}

}  // namespace weft::cli
