// How much of a stack a text report shows. Text is for people: weft's own frames are in every stack
// and never the cause, and the standard library's plumbing can take half of a creation stack, so by
// default both give way to the program's own frames. JSON always keeps every frame.
#pragma once

namespace weft::report {

enum class stack_detail {
  // weft's own frames left out, each run of runtime or test-framework frames folded into one line
  // ("... 6 frames of libstdc++ ..."); a stack without a single frame of the program's own is shown
  // whole, since folding would leave nothing to read.
  folded,
  full,  // every frame, as captured
};

// WEFT_FULL_STACKS: unset, empty or "0" means folded, "1" full. Throws config_error naming the
// variable and the value seen for anything else.
[[nodiscard]] stack_detail stack_detail_from_environment();

}  // namespace weft::report
