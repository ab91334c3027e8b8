// Frames and stacks as text: the only place that decides how a frame reads.
#include "report/render_stack.hpp"

#include <algorithm>
#include <string>
#include <vector>

#include "report/frame_text.hpp"
#include "symbolize/runtime_frames.hpp"

namespace weft {
namespace {

// A frame without a function is named by where its code lies, or by its bare address.
std::string address_text(const stack_frame& frame) {
  if (frame.module.empty()) return report::hex_address(frame.pc);
  return std::string(report::module_base_name(frame.module)) + "+" + report::hex_address(frame.module_offset);
}

// The library a folded stack hides a frame in; empty for a frame of the program's own.
std::string_view folded_into(const stack_frame& frame) {
  const std::string_view runtime = symbolize::runtime_of(frame);
  return runtime.empty() ? symbolize::test_framework_of(frame) : runtime;
}

// Consecutive frames a folded stack shows as one line: "... 6 frames of libc and libstdc++ ...".
class folded_run {
 public:
  void add(std::string_view library) {
    ++frames_;
    if (std::find(libraries_.begin(), libraries_.end(), library) == libraries_.end())
      libraries_.push_back(library);
  }

  void flush(std::string& out, std::string_view indent) {
    if (frames_ == 0) return;
    out.append(indent).append("... ").append(std::to_string(frames_));
    out.append(frames_ == 1 ? " frame of " : " frames of ");
    for (std::size_t i = 0; i < libraries_.size(); ++i) {
      if (i > 0) out.append(i + 1 == libraries_.size() ? " and " : ", ");
      out.append(libraries_[i]);
    }
    out.append(" ...\n");
    frames_ = 0;
    libraries_.clear();
  }

 private:
  std::size_t frames_ = 0;
  std::vector<std::string_view> libraries_;  // in the order they first appear
};

bool has_own_frame(const stack_trace& stack) {
  return std::any_of(stack.frames.begin(), stack.frames.end(),
                     [](const stack_frame& frame) { return folded_into(frame).empty(); });
}

void append_frame(std::string& out, std::string_view indent, std::size_t index, const stack_frame& frame) {
  out.append(indent).append("#").append(std::to_string(index)).append(" ");
  out.append(frame.location()).append("\n");
}

}  // namespace

std::string stack_frame::location() const {
  const std::string name = function.empty() ? address_text(*this) : function;
  if (!file.empty()) {
    // Appended piece by piece: GCC 12 at -O3 warns falsely (-Wrestrict) about `":" + std::to_string`.
    std::string text = name;
    text.append(" at ").append(file);
    if (line != 0) text.append(":").append(std::to_string(line));
    return text;
  }
  if (function.empty() || module.empty()) return name;
  return name + "  (" + std::string(report::module_base_name(module)) + ")";
}

namespace report {

void render_stack(std::string& out, const stack_trace& stack, std::string_view indent, std::size_t max_frames,
                  stack_detail detail) {
  if (!stack.available()) {
    out.append(indent).append("stack unavailable: ").append(stack.unavailable_reason).append("\n");
    return;
  }
  const std::size_t shown = stack.frames.size() < max_frames ? stack.frames.size() : max_frames;
  const bool folds = detail == stack_detail::folded && has_own_frame(stack);
  folded_run run;
  for (std::size_t i = 0; i < shown; ++i) {
    const stack_frame& frame = stack.frames[i];
    if (folds) {
      if (symbolize::is_weft_frame(frame)) continue;
      if (const std::string_view library = folded_into(frame); !library.empty()) {
        run.add(library);
        continue;
      }
      run.flush(out, indent);
    }
    append_frame(out, indent, i, frame);
  }
  run.flush(out, indent);
  if (const std::size_t cut = stack.frames.size() - shown; cut > 0) {
    out.append(indent)
        .append("... ")
        .append(std::to_string(cut))
        .append(cut == 1 ? " more frame\n" : " more frames\n");
  }
}

}  // namespace report
}  // namespace weft
