// The empty function bench::call_floor's workload calls per access (hooks_workload.cpp).
#include "hooks_workload.hpp"

namespace bench::call_floor {

void touch(const volatile void*) {}

}  // namespace bench::call_floor
