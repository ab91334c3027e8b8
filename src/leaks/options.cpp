#include "weft/options.hpp"

#include <string>

namespace weft {
namespace {

ignore_rule checked(ignore_rule::subject what, std::string pattern, const char* option) {
  if (pattern.empty()) {
    throw config_error(std::string("weft: options::") + option +
                       " needs a non-empty pattern; \"*\" ignores every thread");
  }
  return {what, std::move(pattern)};
}

}  // namespace

options& options::ignore_top_function(std::string pattern) {
  rules_.push_back(checked(ignore_rule::subject::top_function, std::move(pattern), "ignore_top_function"));
  return *this;
}

options& options::ignore_any_function(std::string pattern) {
  rules_.push_back(checked(ignore_rule::subject::any_function, std::move(pattern), "ignore_any_function"));
  return *this;
}

options& options::ignore_created_by(std::string pattern) {
  rules_.push_back(checked(ignore_rule::subject::created_by, std::move(pattern), "ignore_created_by"));
  return *this;
}

options& options::ignore_thread_name(std::string pattern) {
  rules_.push_back(checked(ignore_rule::subject::thread_name, std::move(pattern), "ignore_thread_name"));
  return *this;
}

options& options::settle_timeout(std::chrono::milliseconds timeout) {
  if (timeout.count() < 0) {
    throw config_error("weft: options::settle_timeout must not be negative; got " +
                       std::to_string(timeout.count()) + " ms");
  }
  settle_timeout_ = timeout;
  return *this;
}

options& options::full_stacks(bool full) {
  full_stacks_ = full;
  return *this;
}

options& options::cleanup(std::function<void(bool)> callback) {
  cleanup_ = std::move(callback);
  return *this;
}

}  // namespace weft
