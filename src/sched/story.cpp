#include "sched/story.hpp"

#include <algorithm>
#include <array>
#include <optional>

#include "platform/threads.hpp"
#include "symbolize/function_name.hpp"
#include "symbolize/runtime_frames.hpp"
#include "symbolize/symbolizer.hpp"

namespace weft::sched {
namespace {

// Enough frames to get past weft's interposer and std::thread's constructor to the program's code.
constexpr int creation_frames = 24;

// The program's own frame of `pcs` (return addresses, innermost first), or nullopt. weft's public
// headers are left out too: a weft::atomic's load is inlined into the program, and the story means
// the line that called it.
std::optional<stack_frame> program_frame(std::span<const std::uintptr_t> pcs) {
  for (stack_frame& frame : symbolize::frames(pcs, /*first_is_exact=*/false)) {
    if (!symbolize::is_runtime_frame(frame) && !frame.function.starts_with("weft::")) return std::move(frame);
  }
  return std::nullopt;
}

// "queue.cpp:88": people know their files by name; a path would make every line of the story wrap.
std::string short_location(const stack_frame& frame) {
  if (frame.file.empty() || frame.line == 0) return frame.location();
  return std::string(symbolize::module_base_name(frame.file)) + ":" + std::to_string(frame.line);
}

// "bump", or "a lambda in start_workers": anonymous namespaces and a lambda's operator() say nothing
// a reader needs in one line.
std::string function_of(const stack_frame& frame) {
  if (frame.function.empty()) return "?";
  std::vector<symbolize::name_scope> scopes = symbolize::parse_function_name(frame.function).scopes;
  std::erase_if(scopes,
                [](const symbolize::name_scope& scope) { return scope.name == "(anonymous namespace)"; });
  bool lambda = false;
  if (scopes.size() >= 2 && scopes.back().name == "operator()" &&
      scopes[scopes.size() - 2].name.starts_with("{lambda")) {
    scopes.resize(scopes.size() - 2);
    lambda = true;
  }
  std::string name;
  for (const symbolize::name_scope& scope : scopes) name += (name.empty() ? "" : "::") + scope.name;
  if (!lambda) return name;
  return name.empty() ? "a lambda" : "a lambda in " + name;
}

// "atomic_load at queue.cpp:70", or the operation alone when its site is unknown.
std::string operation_at(const operation& op) {
  std::string text(name_of(op.kind));
  if (op.site == 0) return text;
  const std::array<std::uintptr_t, 1> pcs{op.site};
  if (const std::optional<stack_frame> frame = program_frame(pcs)) text += " at " + short_location(*frame);
  return text;
}

// "`pop` at queue.cpp:88": what the thread ran, by the function it was in.
std::string ran_at(const operation& op) {
  if (op.site != 0) {
    const std::array<std::uintptr_t, 1> pcs{op.site};
    if (const std::optional<stack_frame> frame = program_frame(pcs))
      return "`" + function_of(*frame) + "` at " + short_location(*frame);
  }
  return std::string(name_of(op.kind));
}

std::string first_line(std::string_view text) {
  std::string line(text.substr(0, text.find('\n')));
  if (line.starts_with("weft: ")) line.erase(0, 6);
  // "...still blocked when the test function returned:" introduces a list the story leaves out.
  if (line.ends_with(':')) line.pop_back();
  return line;
}

}  // namespace

thread_origins::thread_origins() : owner_(std::this_thread::get_id()) {
  add_run_observer(*this);
}

thread_origins::~thread_origins() {
  remove_run_observer(*this);
}

void thread_origins::run_started(const run& started) {
  if (std::this_thread::get_id() != owner_) return;
  stacks_.assign(1, {});
  pending_creates_.clear();
  watched_.store(&started, std::memory_order_relaxed);
}

// Threads are numbered in the order their creates are performed, and a create is performed when its
// thread reaches its next point: only then does the stack taken at the create name the new thread.
void thread_origins::point_reached(const run& current, thread_id thread, const operation& op) {
  if (&current != watched_.load(std::memory_order_relaxed)) return;
  if (pending_creates_.size() <= thread) pending_creates_.resize(thread + 1);
  if (!pending_creates_[thread].empty()) {
    stacks_.push_back(std::move(pending_creates_[thread]));
    pending_creates_[thread].clear();
  }
  if (op.kind != op_kind::create) return;
  std::array<std::uintptr_t, creation_frames> pcs{};
  const int depth = platform::capture_current_stack(pcs.data(), creation_frames, 0);
  pending_creates_[thread].assign(pcs.begin(), pcs.begin() + std::max(depth, 0));
  // An empty stack would read as "no create pending": keep a marker frame instead.
  if (pending_creates_[thread].empty()) pending_creates_[thread].push_back(0);
}

std::string story_heading(std::size_t preemptions, const story_context& context) {
  std::string text =
      "weft: how it fails, in " + std::to_string(preemptions) + " preemption" + (preemptions == 1 ? "" : "s");
  const std::string runs = std::to_string(context.runs) + " run" + (context.runs == 1 ? "" : "s");
  if (context.shrunk) {
    text += " (shrunk from " + std::to_string(context.original_preemptions) + " in " + runs + ")";
  } else if (preemptions > 0) {
    text += " (as found: no schedule with fewer failed the same way in " + runs + ")";
  }
  text += ":\n";
  if (!context.minimal && preemptions > 0)
    text += "  (shrinking stopped at its budget: some of these preemptions may not matter)\n";
  return text;
}

std::string story_lines(std::span<const switch_point> switches,
                        std::span<const std::vector<std::uintptr_t>> creation_stacks) {
  const auto origin = [&](thread_id thread) -> std::string {
    if (thread == 0) return "the test's thread";
    if (thread < creation_stacks.size()) {
      if (const std::optional<stack_frame> frame = program_frame(creation_stacks[thread]))
        return "created at " + short_location(*frame);
    }
    return "created at an unknown place";
  };
  std::string text;
  // A story of hundreds of preemptions (a random walk that shrinking could not cut down in its
  // budget) is read by no one, and symbolizing every site costs seconds: the last ones, nearest the
  // failure, are told.
  constexpr std::size_t most_told = 20;
  const std::size_t preemptions = preemptions_in(switches);
  const std::size_t first_told = preemptions > most_told ? preemptions - most_told : 0;
  if (first_told > 0) {
    text += "  (the first " + std::to_string(first_told) +
            " preemptions are not told; the Reproduce line replays them all)\n";
  }
  std::size_t number = 0;
  for (const switch_point& taken : switches) {
    if (!taken.preemption || ++number <= first_told) continue;
    text += "  " + std::to_string(number) + ". thread " + std::to_string(taken.to) + " (" + origin(taken.to) +
            ") ran " + ran_at(taken.to_next) + " between thread " + std::to_string(taken.from) + "'s ";
    text += taken.from_before.kind == op_kind::start && taken.from_before.site == 0
                ? std::string("start")
                : operation_at(taken.from_before);
    text += " and its " + operation_at(taken.from_next) + "\n";
  }
  if (number == 0) text += "  (no thread was preempted: every thread ran until it blocked or ended)\n";
  return text;
}

std::string story_ending(std::string_view failure) {
  return "  then: " + first_line(failure) + "\n\n";
}

std::string render_story(std::span<const switch_point> switches,
                         std::span<const std::vector<std::uintptr_t>> creation_stacks,
                         const story_context& context, std::string_view failure) {
  return story_heading(preemptions_in(switches), context) + story_lines(switches, creation_stacks) +
         story_ending(failure);
}

}  // namespace weft::sched
