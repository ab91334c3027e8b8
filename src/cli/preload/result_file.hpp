// Writing the result file of the protocol (../protocol.hpp) from inside the program; its text is a
// child run's report (sched/child_run.hpp).
#pragma once

#include <string>
#include <string_view>

namespace weft::cli {

// Opens (truncating) the result file for appending; -1 when `path` is empty or cannot be opened, in
// which case the reason is printed on stderr.
[[nodiscard]] int open_result_file(const std::string& path);
// Appends `text` with as few writes as it takes; safe in a signal handler's aftermath (no allocation).
void write_result(int fd, const std::string& text);

}  // namespace weft::cli
