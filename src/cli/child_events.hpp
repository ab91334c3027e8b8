// Waiting for the command's runs to end without polling: a run that ends wakes the command at once,
// which matters when a run takes a millisecond or two.
#pragma once

#include <chrono>

namespace weft::cli {

// Returns when a child of the command has changed state since the last call, or after `at_most`,
// whichever comes first; the caller then reaps with waitpid(WNOHANG). SIGCHLD is blocked in the command
// from its start (start_program unblocks it in the programs it starts), so that a child ending
// between the caller's last waitpid and this call still wakes it.
void await_child_event(std::chrono::milliseconds at_most);

}  // namespace weft::cli
