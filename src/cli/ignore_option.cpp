#include "cli/ignore_option.hpp"

#include <cstdlib>

#include "cli/usage_error.hpp"
#include "leaks/ignore_rules.hpp"

namespace weft::cli {
namespace {

void check_rules(const std::string& text, const std::string& source) {
  try {
    (void)leaks::parse_ignore_list(text, source);
  } catch (const config_error& error) {
    std::string message = error.what();
    if (message.rfind("weft: ", 0) == 0) message.erase(0, 6);
    throw usage_error(message);
  }
}

}  // namespace

void add_ignore_option(CLI::App& subcommand, std::vector<std::string>& rules) {
  subcommand.add_option("--ignore", rules,
                        "A thread the leak checks expect, as in WEFT_IGNORE: top:, any:, created_by: or "
                        "name: and a glob (repeatable)");
}

std::string ignore_setting(const std::vector<std::string>& rules) {
  std::string joined;
  if (const char* from_environment = std::getenv("WEFT_IGNORE")) {
    check_rules(from_environment, "WEFT_IGNORE");
    joined = from_environment;
  }
  for (const std::string& rule : rules) {
    if (rule.find_first_not_of("; ") == std::string::npos)
      throw usage_error("--ignore needs a rule such as \"name:io-worker*\"; got \"" + rule + "\"");
    check_rules(rule, "--ignore");
    if (!joined.empty() && !joined.ends_with(';')) joined += ';';
    joined += rule;
  }
  return joined;
}

}  // namespace weft::cli
