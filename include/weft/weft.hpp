// weft: concurrency bugs in C++ test suites, made visible and reproducible. Includes the whole API.
#pragma once

#include "weft/leaks.hpp"
#include "weft/options.hpp"
#include "weft/snapshot.hpp"
#include "weft/test_scope.hpp"
