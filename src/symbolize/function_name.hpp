// The one reader of demangled function names in weft. Ignore rules, the report's choice of a thread's
// first own frame, the task registry's constructors and the words for a futex wait all ask what
// function a frame is in; they must all read "void ns::(anonymous namespace)::Pool<int>::run(int)
// [clone .isra.0]" the same way: as the function ns::(anonymous namespace)::Pool::run.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace weft::symbolize {

// One component of a qualified name: "Pool" with "<int>" in "ns::Pool<int>::run".
struct name_scope {
  std::string name;           // "Pool", "(anonymous namespace)", "{lambda()#1}", "operator<<", "~Pool"
  std::string template_args;  // "<int>" as written, or empty
};

// A function's name as a reader means it: its scopes, outermost first, without the return type, the
// parameter list, ABI tags ("[abi:cxx11]") and clone suffixes (".isra.0", " [clone .cold]"). The
// parameter lists of enclosing functions are left out too: the lambda in "Pool::start(int)" is
// {"Pool", "start", "{lambda()#1}", "operator()"}.
struct function_name {
  std::vector<name_scope> scopes;  // empty only for an empty input

  // "ns::(anonymous namespace)::Pool::run": the scopes' names joined by "::", no template arguments.
  [[nodiscard]] std::string qualified() const;
  // "ns::(anonymous namespace)::Pool<int>::run": the same with each scope's template arguments.
  [[nodiscard]] std::string qualified_with_template_args() const;
  // A constructor or destructor: the last scope is the class's name, or '~' and the class's name.
  [[nodiscard]] bool is_constructor_or_destructor() const;
};

// Takes a demangled name apart; never fails. A plain C name ("worker", "worker.cold") is one scope. A
// name it cannot read (a function returning a function pointer, for one) comes back as a single scope
// holding the input without its clone suffix, so it still matches itself.
[[nodiscard]] function_name parse_function_name(std::string_view demangled);

}  // namespace weft::symbolize
