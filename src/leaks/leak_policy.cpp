#include <cstdlib>
#include <string>
#include <string_view>

#include "weft/leaks.hpp"

namespace weft {

leak_policy leak_policy_from_environment() {
  const char* raw = std::getenv("WEFT_LEAKS");
  const std::string_view value = raw != nullptr ? raw : "";
  if (value.empty() || value == "fail") return leak_policy::fail;
  if (value == "warn") return leak_policy::warn;
  if (value == "off") return leak_policy::off;
  throw config_error("weft: WEFT_LEAKS must be fail, warn or off; got \"" + std::string(value) + "\"");
}

}  // namespace weft
