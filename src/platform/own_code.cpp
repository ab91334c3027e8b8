#include "platform/own_code.hpp"

namespace weft::platform::detail {

[[gnu::tls_model("initial-exec")]] constinit thread_local int own_code_depth = 0;

}  // namespace weft::platform::detail
