// An environment variable set, or unset, for one scope. The destructor puts back what was there before,
// so a test that returns early on a failed assertion cannot leave a variable behind for the tests that
// run after it in the same process.
#pragma once

#include <stdlib.h>

#include <optional>
#include <string>

namespace weft_test {

class scoped_environment {
 public:
  // `value` nullptr: the variable is unset for the scope.
  scoped_environment(std::string name, const char* value) : name_(std::move(name)) {
    if (const char* before = ::getenv(name_.c_str())) previous_ = before;
    if (value != nullptr) {
      ::setenv(name_.c_str(), value, 1);
    } else {
      ::unsetenv(name_.c_str());
    }
  }
  ~scoped_environment() {
    if (previous_) {
      ::setenv(name_.c_str(), previous_->c_str(), 1);
    } else {
      ::unsetenv(name_.c_str());
    }
  }
  scoped_environment(const scoped_environment&) = delete;
  scoped_environment& operator=(const scoped_environment&) = delete;

 private:
  std::string name_;
  std::optional<std::string> previous_;
};

}  // namespace weft_test
