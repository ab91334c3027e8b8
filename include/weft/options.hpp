// What a leak check treats as expected. An options value is an ordinary value: copy it, keep it as a
// baseline, extend it:
//
//   auto baseline = weft::options().ignore_current();
//   weft::verify_none(weft::options(baseline).settle_timeout(200ms).ignore_created_by("io_pool::*"));
//
// Patterns are globs matched against whole demangled names: `*` matches any run of characters
// (including `::`), `?` one character, `[abc]` one of a set, `\*` a star. A function's name matches
// when the glob matches it as printed or its qualified name: without return type, parameter list,
// template arguments, ABI tags and clone suffixes, with or without its "(anonymous namespace)" scopes
// (docs/options.md). "boost::asio::*" matches every function in that namespace; "Pool::start" matches
// "void Pool<int>::start(int) const"; "leveldb::*Env::Schedule" and "leveldb::PosixEnv::Schedule" match
// "leveldb::(anonymous namespace)::PosixEnv::Schedule(void (*)(void*), void*)".
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

// libweft exports the public API and hides the rest (docs/architecture.md).
#pragma GCC visibility push(default)
namespace weft {

// Thrown when weft is configured wrongly: a malformed environment variable, a bad pattern, or an
// option passed where it has no meaning. The message names the culprit and the value seen.
class config_error : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

// Checks every WEFT_* environment variable weft reads (docs/options.md lists them) and throws
// config_error naming the first malformed one and the value seen. The first call that passes is the
// last one that looks: later calls return at once, while each variable is still checked again where
// it is used. The integrations' install, find_leaks, verify_none, verify_main, take_snapshot and
// explore call it before anything else, so calling it yourself only moves the error earlier.
// Thread-safe.
void check_environment();

// One ignore rule: a glob applied to one property of a thread.
struct ignore_rule {
  enum class subject {
    top_function,  // the innermost frame whose function is known
    any_function,  // any frame of the thread's stack
    created_by,    // any frame of the stack that called pthread_create
    thread_name,   // the kernel's thread name
  };
  subject what;
  std::string pattern;

  // Spelled out rather than defaulted: the headers compile as C++17.
  friend bool operator==(const ignore_rule& a, const ignore_rule& b) {
    return a.what == b.what && a.pattern == b.pattern;
  }
  friend bool operator!=(const ignore_rule& a, const ignore_rule& b) { return !(a == b); }
};

namespace detail {
struct baseline;  // the threads alive when ignore_current() was called; defined in src/leaks/
}

class options {
 public:
  options() = default;

  // Ignore every thread alive now (the caller included), even if it is still alive at the check.
  // Reads /proc/self/task once; later calls replace the earlier baseline.
  options& ignore_current();
  // For a test listener, at a test's start, when find_leaks(*this) found nothing at the last test's
  // end: keeps this baseline if weft has seen no thread created or ended and no task registered since
  // it was taken, which costs no system call; otherwise the same as ignore_current(). A thread created
  // behind weft's back (a raw clone()) between that check and this call counts as the next test's.
  options& ignore_current_after_clean_check();
  // The two stack rules need the thread's stack, which costs it a signal: a check applies them only
  // to the threads still unexpected after its settle wait, so a thread ignored by them alone makes
  // the check wait its whole settle timeout. Name and creation rules cost nothing.
  options& ignore_top_function(std::string pattern);
  options& ignore_any_function(std::string pattern);
  options& ignore_created_by(std::string pattern);
  options& ignore_thread_name(std::string pattern);
  // The one total deadline for unexpected threads to exit before they are reported. Default 500 ms;
  // zero checks once without waiting. Negative durations are refused with config_error.
  options& settle_timeout(std::chrono::milliseconds timeout);
  // Whether a report's text shows every frame of every stack. By default (false, or the environment
  // variable WEFT_FULL_STACKS=1 says otherwise) it leaves out weft's own frames and folds each run of
  // standard-library and test-framework frames into one line ("... 6 frames of libstdc++ ..."), so
  // that the program's frames stand out. leak_report::json() always has every frame.
  options& full_stacks(bool full = true);
  // Called once after verify_none or verify_main has checked, with whether leaks were found, before
  // verify_none throws or verify_main returns. find_leaks refuses options that carry a cleanup.
  options& cleanup(std::function<void(bool leaks_found)> callback);

  [[nodiscard]] const std::vector<ignore_rule>& rules() const { return rules_; }
  [[nodiscard]] std::chrono::milliseconds settle_timeout() const { return settle_timeout_; }
  [[nodiscard]] bool full_stacks() const { return full_stacks_; }
  [[nodiscard]] const std::function<void(bool)>& cleanup() const { return cleanup_; }
  [[nodiscard]] const std::shared_ptr<const detail::baseline>& baseline() const { return baseline_; }

 private:
  std::vector<ignore_rule> rules_;
  std::chrono::milliseconds settle_timeout_{500};
  bool full_stacks_ = false;
  std::function<void(bool)> cleanup_;
  std::shared_ptr<const detail::baseline> baseline_;
};

// Adds the rules of `rules` to the process-wide list every check applies, after weft's defaults
// (sanitizer runtime threads) and the WEFT_IGNORE environment variable. Meant for libraries whose
// background threads are meant to outlive tests. Thread-safe. Throws config_error if `rules` carries
// anything but ignore rules (a baseline, a settle timeout, full_stacks or a cleanup).
void ignore_everywhere(const options& rules);

}  // namespace weft
#pragma GCC visibility pop
