// Which threads a leak check expects: weft's defaults, ignore_everywhere, WEFT_IGNORE and the
// options of one check, merged, and matched against a thread.
#pragma once

#include <string_view>
#include <vector>

#include "weft/options.hpp"
#include "weft/snapshot.hpp"

namespace weft::leaks {

class rule_set {
 public:
  // ignore_everywhere's rules, then WEFT_IGNORE, then `opts`. Throws config_error for a malformed
  // WEFT_IGNORE. weft's own default, the sanitizer runtimes' threads, is is_tool_thread.
  explicit rule_set(const options& opts);

  // Rules that need no stack: thread name and creation stack. They cost no signal, so a leak check
  // applies them at every look while it settles.
  [[nodiscard]] bool ignores_by_identity(std::string_view name, const creation_record& created) const;
  // Rules that look at the thread's current stack (top_function, any_function). A thread's stack costs
  // it a signal, so a leak check applies these only to the threads still there after its settle wait.
  [[nodiscard]] bool ignores_by_stack(const stack_trace& stack) const;
  // A sanitizer runtime's background thread: started behind pthread_create's back (the runtimes
  // clone their own), with the runtime's functions on its stack. A thread the program created is never
  // one, even while it is still inside the sanitizer's thread-start code.
  [[nodiscard]] static bool is_tool_thread(const thread_info& thread);
  [[nodiscard]] bool ignores(const thread_info& thread) const {
    return ignores_by_identity(thread.name, thread.created) || ignores_by_stack(thread.stack) ||
           is_tool_thread(thread);
  }
  // A task by the same rules: name rules match its name, created_by its registration stack, and
  // stack rules the suspension sites of its async stack, innermost first.
  [[nodiscard]] bool ignores(const task_info& task) const;

 private:
  std::vector<ignore_rule> rules_;
};

// The rules WEFT_IGNORE holds, read now; empty when it is unset. Throws config_error naming the entry
// that is wrong. The one reader of WEFT_IGNORE.
[[nodiscard]] std::vector<ignore_rule> ignore_rules_from_environment();

// Parses WEFT_IGNORE's syntax: entries separated by ';', each "top:", "any:", "created_by:" or
// "name:" followed by a glob. Throws config_error naming the entry that is wrong.
[[nodiscard]] std::vector<ignore_rule> parse_ignore_list(std::string_view text, std::string_view source);

// Whether `name` matches glob `pattern`. A function name matches when the pattern matches any of its
// spellings (symbolize::function_name): as printed; its qualified name with template arguments
// ("Pool<int>::start"); its qualified name ("Pool::start", also for "void Pool<int>::start<char>(int)
// const [clone .isra.0]"); or that name without its "(anonymous namespace)" scopes.
[[nodiscard]] bool matches(std::string_view pattern, std::string_view name);

}  // namespace weft::leaks
