// The ignore rule a leak report ends with. The usual first leak a new user meets is a library's
// process-lifetime thread (a global pool, an Env's background thread); the report hands over the exact
// rule that silences it, written from the group's creation site, ready to paste.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "weft/leaks.hpp"

namespace weft::report {

// One WEFT_IGNORE entry per distinct creator of the groups, "created_by:<qualified name>", in the
// groups' order: the first frame of the creation stack outside the runtimes, named without return
// type, parameters or template arguments, with glob characters escaped so that the entry matches that
// function exactly. A group whose creator is unknown (a thread weft did not see created, a creator
// without a symbol) adds none.
[[nodiscard]] std::vector<std::string> suggested_ignore_entries(const std::vector<leak_group>& threads,
                                                                const std::vector<task_group>& tasks);

// "WEFT_IGNORE='a;b'", quoted for a POSIX shell.
[[nodiscard]] std::string weft_ignore_assignment(const std::vector<std::string>& entries);

// `name` as a glob that matches exactly `name`: '*', '?', '[' and '\' escaped.
[[nodiscard]] std::string glob_escaped(std::string_view name);

}  // namespace weft::report
