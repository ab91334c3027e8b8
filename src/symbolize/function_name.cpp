// Demangled names are read left to right, one scope at a time. Brackets make the grammar hard only in
// three places, and each is handled where it occurs: operator names ("operator<<", "operator()") are
// read as a whole before any bracket is counted, template arguments are skipped with their own
// nesting, and a parameter list followed by "::" belongs to an enclosing function (a lambda's or a
// local class's), not to the function itself. Whatever stands before a space at the top level is a
// return type, which only template instances carry.
#include "symbolize/function_name.hpp"

#include <array>
#include <cctype>

namespace weft::symbolize {
namespace {

using std::string_view_literals::operator""sv;

bool is_identifier_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_' || c == '$';
}

// What the demangler puts in front of a function that is not the function itself.
constexpr std::array thunk_prefixes = {
    "non-virtual thunk to "sv,
    "virtual thunk to "sv,
    "covariant return thunk to "sv,
    "transaction clone for "sv,
};

// The symbols of operators, longest first so that "<<=" is not read as "<".
constexpr std::array operator_symbols = {
    "()"sv, "[]"sv, "<=>"sv, "<<="sv, ">>="sv, "->*"sv, "<<"sv, ">>"sv, "<="sv, ">="sv,
    "->"sv, "=="sv, "!="sv,  "&&"sv,  "||"sv,  "++"sv,  "--"sv, "+="sv, "-="sv, "*="sv,
    "/="sv, "%="sv, "&="sv,  "|="sv,  "^="sv,  "<"sv,   ">"sv,  "+"sv,  "-"sv,  "*"sv,
    "/"sv,  "%"sv,  "&"sv,   "|"sv,   "^"sv,   "~"sv,   "!"sv,  "="sv,  ","sv,
};

// Operators spelled as words; the array form first.
constexpr std::array operator_words = {
    " new[]"sv, " delete[]"sv, " new"sv, " delete"sv, " co_await"sv,
};

// " [clone .isra.0] [clone .cold]": GCC's copies of a function, as the demangler shows them.
std::string_view without_clone_groups(std::string_view text) {
  while (text.ends_with(']')) {
    const std::size_t at = text.rfind(" [clone ");
    if (at == std::string_view::npos) break;
    text = text.substr(0, at);
  }
  return text;
}

// "worker.isra.0" -> "worker": the same copies of a C function, whose name is not demangled.
std::string_view without_clone_suffix(std::string_view text) {
  const std::size_t dot = text.find('.');
  if (dot == std::string_view::npos || dot == 0) return text;
  for (std::size_t i = 0; i < dot; ++i) {
    if (!is_identifier_char(text[i])) return text;
  }
  return text.substr(0, dot);
}

class reader {
 public:
  explicit reader(std::string_view text) : text_(text) {}

  // The scopes of the function named by the whole text; false when the text does not read as a name.
  bool read(std::vector<name_scope>& scopes) {
    while (true) {
      if (skip_decltype()) {
        if (!skip_return_type_end()) return false;
        scopes.clear();
        continue;
      }
      name_scope scope;
      if (!read_scope(scope)) return false;
      scopes.push_back(std::move(scope));
      if (done() || peek() == '.') return true;  // a name without parameters, or a C clone suffix
      if (skip("::")) continue;
      if (peek() == '(') {
        if (!skip_balanced('(', ')')) return false;
        // The parameters of a function that encloses a lambda or a local class: "f(int) const::".
        const std::size_t after_parameters = at_;
        skip_qualifiers();
        if (skip("::")) continue;
        at_ = after_parameters;
        return true;  // the function's own parameter list: the rest is qualifiers
      }
      // What was read is a return type: its decorations, then the space before the name.
      if (!skip_return_type_end()) return false;
      scopes.clear();
    }
  }

 private:
  [[nodiscard]] bool done() const { return at_ >= text_.size(); }
  [[nodiscard]] char peek() const { return done() ? '\0' : text_[at_]; }
  [[nodiscard]] bool starts(std::string_view prefix) const { return text_.substr(at_).starts_with(prefix); }
  bool skip(std::string_view prefix) {
    if (!starts(prefix)) return false;
    at_ += prefix.size();
    return true;
  }

  // From an opening bracket to its closing one; only brackets of the same kind nest.
  bool skip_balanced(char open, char close) {
    int depth = 0;
    for (; !done(); ++at_) {
      if (text_[at_] == open) ++depth;
      if (text_[at_] == close && --depth == 0) {
        ++at_;
        return true;
      }
    }
    return false;
  }

  // Template arguments: angle brackets nest, except inside parentheses, where '<' and '>' are
  // comparisons in an expression ("A<((1)>(2))>") or parts of a function type.
  bool skip_template_args() {
    int angles = 0;
    int parens = 0;
    for (; !done(); ++at_) {
      const char c = text_[at_];
      if (c == '(') ++parens;
      if (c == ')') --parens;
      if (parens > 0) continue;
      if (c == '<') ++angles;
      if (c == '>' && --angles == 0) {
        ++at_;
        return true;
      }
    }
    return false;
  }

  // "decltype (...)" at the start of a return type.
  bool skip_decltype() {
    const std::size_t start = at_;
    if (!skip("decltype")) return false;
    skip(" ");
    if (peek() == '(' && skip_balanced('(', ')')) return true;
    at_ = start;
    return false;
  }

  // "const", "&&", "noexcept" after a parameter list.
  void skip_qualifiers() {
    while (skip(" const") || skip(" volatile") || skip(" restrict") || skip(" noexcept") || skip(" &&") ||
           skip(" &")) {
    }
  }

  // "const*& " after a return type's last scope.
  bool skip_return_type_end() {
    while (skip("*") || skip("&") || skip(" const") || skip(" volatile")) {
    }
    if (!skip(" ")) return false;
    while (skip(" ")) {
    }
    return !done();
  }

  bool read_scope(name_scope& scope) {
    const std::size_t start = at_;
    if (skip("(anonymous namespace)")) {
      scope.name = text_.substr(start, at_ - start);
      return true;
    }
    if (peek() == '{') {  // "{lambda()#1}", "{unnamed type#1}"
      if (!skip_balanced('{', '}')) return false;
      scope.name = text_.substr(start, at_ - start);
      return read_suffixes(scope);
    }
    skip("~");
    const std::size_t word = at_;
    while (!done() && is_identifier_char(peek())) ++at_;
    if (at_ == word) return false;
    const bool is_operator = text_.substr(word, at_ - word) == "operator";
    if (is_operator && !read_operator()) return false;
    std::string_view name = text_.substr(start, at_ - start);
    // The demangler separates an operator from its template arguments: "operator< <int>".
    if (is_operator && name.ends_with(' ')) name.remove_suffix(1);
    scope.name = name;
    return read_suffixes(scope);
  }

  // After "operator": its symbol, its words, or the type it converts to.
  bool read_operator() {
    if (skip("\"\"")) {  // a literal operator: operator""_ms
      skip(" ");
      while (!done() && is_identifier_char(peek())) ++at_;
      return true;
    }
    for (const std::string_view symbol : operator_symbols) {
      if (skip(symbol)) {
        if (starts(" <")) ++at_;
        return true;
      }
    }
    for (const std::string_view word : operator_words) {
      if (starts(word) &&
          (at_ + word.size() == text_.size() || !is_identifier_char(text_[at_ + word.size()]))) {
        at_ += word.size();
        return true;
      }
    }
    if (!skip(" ")) return false;
    // A conversion operator: the type runs up to the parameter list.
    int angles = 0;
    for (; !done(); ++at_) {
      const char c = text_[at_];
      if (c == '<') ++angles;
      if (c == '>') --angles;
      if (c == '(' && angles == 0) return true;
    }
    return false;
  }

  // Template arguments and ABI tags, in any order: "f[abi:cxx11]<int>".
  bool read_suffixes(name_scope& scope) {
    while (true) {
      if (starts("[abi:")) {
        const std::size_t close = text_.find(']', at_);
        if (close == std::string_view::npos) return false;
        at_ = close + 1;
      } else if (peek() == '<') {
        const std::size_t start = at_;
        if (!skip_template_args()) return false;
        scope.template_args = text_.substr(start, at_ - start);
      } else {
        return true;
      }
    }
  }

  std::string_view text_;
  std::size_t at_ = 0;
};

std::string joined(const std::vector<name_scope>& scopes, bool with_template_args) {
  std::string text;
  for (const name_scope& scope : scopes) {
    if (!text.empty()) text += "::";
    text += scope.name;
    if (with_template_args) text += scope.template_args;
  }
  return text;
}

}  // namespace

std::string function_name::qualified() const {
  return joined(scopes, false);
}

std::string function_name::qualified_with_template_args() const {
  return joined(scopes, true);
}

bool function_name::is_constructor_or_destructor() const {
  if (scopes.size() < 2) return false;
  const std::string& last = scopes.back().name;
  const std::string& owner = scopes[scopes.size() - 2].name;
  return last == owner || (last.starts_with('~') && std::string_view(last).substr(1) == owner);
}

function_name parse_function_name(std::string_view demangled) {
  std::string_view text = without_clone_groups(demangled);
  for (const std::string_view prefix : thunk_prefixes) {
    if (text.starts_with(prefix)) text.remove_prefix(prefix.size());
  }
  function_name parsed;
  if (text.empty()) return parsed;
  if (reader(text).read(parsed.scopes) && !parsed.scopes.empty()) return parsed;
  parsed.scopes.assign(1, name_scope{std::string(without_clone_suffix(text)), {}});
  return parsed;
}

}  // namespace weft::symbolize
