// A file of room report that includes the scheduler, which report may not use.
#include "sched/run.hpp"
#include "symbolize/function_name.hpp"
