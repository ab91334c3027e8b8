// The one renderer of stacks and threads in weft: leak reports, snapshots and, later, deadlock and
// race reports all print frames through these functions, so every report reads the same.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "report/stack_detail.hpp"
#include "weft/snapshot.hpp"

namespace weft::report {

// Deeper stacks are cut: past this many frames a report has long stopped helping.
constexpr std::size_t default_max_frames = 64;

// Appends one line per frame, "<indent>#<i> <location>", innermost first. Past `max_frames` frames
// the rest are summarized as "<indent>... <n> more frames". An unavailable stack is one line,
// "<indent>stack unavailable: <reason>". An available stack without frames appends nothing. Folded,
// frames keep their numbers, and a run of runtime frames is "<indent>... <n> frames of libc and
// libstdc++ ...".
void render_stack(std::string& out, const stack_trace& stack, std::string_view indent = "  ",
                  std::size_t max_frames = default_max_frames, stack_detail detail = stack_detail::full);

// Appends the block that describes one thread: a title line naming it, its state and the function on
// top of its stack, then the stack, then where the thread was created. `who` replaces the default
// `Thread <tid> "<name>"` at the start of the title, for a line that speaks for a group of threads.
void render_thread(std::string& out, const thread_info& thread, std::string_view who = {},
                   stack_detail detail = stack_detail::full);

// Appends the block that describes one task: a title line naming it and its state, its async stack
// (the chain of tasks awaiting it, innermost first, each with its suspension site) when it is suspended
// or awaited, then where it was registered. `who` replaces the default `Task <id> "<name>"`.
void render_task(std::string& out, const task_info& task, std::string_view who = {},
                 stack_detail detail = stack_detail::full);

}  // namespace weft::report
