// Files and directories weft writes after the work (--json, --trace, --save-dir): checked before the
// first run, so that a path weft cannot write is exit 2 at once, not an error after minutes of work.
#pragma once

#include <string>

namespace weft::cli {

// Throws usage_error naming `option` when `path` is a directory, or cannot be created or written.
// Creates nothing.
void check_writable_file(const std::string& option, const std::string& path);
// Creates `path` and its parents if needed; throws usage_error naming `option` when that fails or the
// directory cannot be written.
void prepare_writable_directory(const std::string& option, const std::string& path);

}  // namespace weft::cli
