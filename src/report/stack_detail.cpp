#include "report/stack_detail.hpp"

#include <cstdlib>
#include <string>
#include <string_view>

#include "weft/options.hpp"

namespace weft::report {

stack_detail stack_detail_from_environment() {
  const char* raw = std::getenv("WEFT_FULL_STACKS");
  const std::string_view value = raw != nullptr ? raw : "";
  if (value.empty() || value == "0") return stack_detail::folded;
  if (value == "1") return stack_detail::full;
  throw config_error("weft: WEFT_FULL_STACKS must be 0 or 1; got \"" + std::string(value) + "\"");
}

}  // namespace weft::report
