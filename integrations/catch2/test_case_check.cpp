// The per-test-case check behind weft::catch2::leak_listener, apart from Catch2's types.
#include <algorithm>
#include <cctype>
#include <exception>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <utility>

#include "weft/catch2.hpp"

namespace weft::catch2::detail {

test_case_check::test_case_check(leak_policy policy, std::ostream& warnings)
    : policy_(policy), warnings_(&warnings) {}

void test_case_check::test_case_starting(std::string_view name, bool allows_leaks) {
  test_name_ = name;
  allows_leaks_ = allows_leaks;
  depth_ = 0;
}

void test_case_check::section_starting() {
  if (depth_++ > 0) return;
  if (policy_ != leak_policy::off && !allows_leaks_ && !fatal_error_seen_) {
    if (clean_baseline_) {
      baseline_ = std::exchange(clean_baseline_, std::nullopt);
      baseline_->ignore_current_after_clean_check();
    } else {
      baseline_ = options().ignore_current();
    }
  } else {
    clean_baseline_.reset();  // a run left unchecked may have left a thread weft did not see created
  }
  scope_.emplace(test_name_);
}

std::string test_case_check::section_ended() {
  // Unbalanced only if Catch2 ended a section it never started; nothing of ours is open then.
  if (depth_ == 0) return {};
  if (--depth_ > 0) return {};
  scope_.reset();
  const std::optional<options> baseline = std::exchange(baseline_, std::nullopt);
  if (!baseline || fatal_error_seen_) return {};
  return check_run(*baseline);
}

void test_case_check::fatal_error() {
  fatal_error_seen_ = true;
}

std::string test_case_check::check_run(const options& baseline) {
  leak_report report;
  clean_baseline_.reset();
  try {
    report = find_leaks(baseline);
  } catch (const std::exception& error) {
    // A malformed WEFT_IGNORE, for one: the test case cannot be said to pass.
    return "weft: could not check test case \"" + test_name_ + "\" for leaked threads: " + error.what();
  }
  if (report.empty()) {
    clean_baseline_ = baseline;
    return {};
  }
  if (policy_ == leak_policy::warn) {
    *warnings_ << "weft: warning (WEFT_LEAKS=warn), test case \"" << test_name_ << "\" leaked:\n"
               << report.text() << std::flush;
    return {};
  }
  // The report comes last: it ends with the ignore rule to paste.
  return "weft: test case \"" + test_name_ + "\" must join the threads below before it ends; tag it [" +
         std::string(allow_leaks_tag) + "] if it leaks them on purpose.\n" + report.text();
}

bool is_allow_leaks_tag(std::string_view tag) {
  return std::equal(
      tag.begin(), tag.end(), allow_leaks_tag.begin(), allow_leaks_tag.end(), [](char a, char b) {
        return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b));
      });
}

}  // namespace weft::catch2::detail
