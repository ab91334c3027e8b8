// weft: concurrency bugs in C++ test suites, made visible and reproducible. Includes the whole API
// except the test-framework integrations (<weft/gtest.hpp>, <weft/catch2.hpp>), which need their
// frameworks.
#pragma once

#include "weft/atomic.hpp"
#include "weft/census.hpp"
#include "weft/leaks.hpp"
#include "weft/options.hpp"
#include "weft/sched.hpp"
#include "weft/snapshot.hpp"
#include "weft/tasks.hpp"
#include "weft/test_scope.hpp"
