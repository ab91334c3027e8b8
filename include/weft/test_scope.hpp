// The test that is running now, as weft will name it in "created in test ...".
#pragma once

#include <string>
#include <string_view>

// libweft exports the public API and hides the rest (docs/architecture.md).
#pragma GCC visibility push(default)
namespace weft {

// Marks `name` as the running test for as long as the scope lives; scopes nest and restore the outer
// name when they end. Threads created meanwhile, by any thread of the process, are recorded as created
// in that test. Integrations (gtest, Catch2) open one per test; a plain main() may open its own.
// The name is copied and kept for the life of the process (one copy per distinct name).
class test_scope {
 public:
  explicit test_scope(std::string_view name);
  ~test_scope();
  test_scope(const test_scope&) = delete;
  test_scope& operator=(const test_scope&) = delete;

 private:
  const char* previous_;
};

// The name of the innermost live test_scope; empty outside any.
[[nodiscard]] std::string current_test();

}  // namespace weft
#pragma GCC visibility pop
