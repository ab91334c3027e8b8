// Frames and stacks as text: the only place that decides how a frame reads.
#include "report/render_stack.hpp"

#include <string>

#include "report/frame_text.hpp"

namespace weft {
namespace {

// A frame without a function is named by where its code lies, or by its bare address.
std::string address_text(const stack_frame& frame) {
  if (frame.module.empty()) return report::hex_address(frame.pc);
  return std::string(report::module_base_name(frame.module)) + "+" + report::hex_address(frame.module_offset);
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

void render_stack(std::string& out, const stack_trace& stack, std::string_view indent,
                  std::size_t max_frames) {
  if (!stack.available()) {
    out.append(indent).append("stack unavailable: ").append(stack.unavailable_reason).append("\n");
    return;
  }
  const std::size_t shown = stack.frames.size() < max_frames ? stack.frames.size() : max_frames;
  for (std::size_t i = 0; i < shown; ++i) {
    out.append(indent).append("#").append(std::to_string(i)).append(" ");
    out.append(stack.frames[i].location()).append("\n");
  }
  if (const std::size_t cut = stack.frames.size() - shown; cut > 0) {
    out.append(indent)
        .append("... ")
        .append(std::to_string(cut))
        .append(cut == 1 ? " more frame\n" : " more frames\n");
  }
}

}  // namespace report
}  // namespace weft
