#include "weft/census.hpp"
