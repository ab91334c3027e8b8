// A file of room report that includes only what report may use.
#include "report/frame_text.hpp"
#include "symbolize/function_name.hpp"
#include "weft/snapshot.hpp"
#include <string>
