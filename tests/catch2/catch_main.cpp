// Catch2's implementation and main(), with nothing of weft: the programs built from it register
// weft's listener only by including <weft/catch2.hpp> in their test files.
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>
