// The table behind weft::check_environment (weft/options.hpp).
#pragma once

#include <string_view>
#include <vector>

namespace weft::config {

// The names of the variables check_environment checks, in the order it checks them.
[[nodiscard]] std::vector<std::string_view> checked_environment_variables();

}  // namespace weft::config
