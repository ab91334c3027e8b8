#include <algorithm>
#include <cstdio>

#include "leaks/group.hpp"
#include "leaks/ignore_rules.hpp"
#include "leaks/settle.hpp"
#include "leaks/unexpected_threads.hpp"
#include "snapshot/describe_threads.hpp"
#include "weft/leaks.hpp"

namespace weft {
namespace {

leak_report check(const options& opts) {
  const leaks::rule_set rules(opts);
  leaks::unexpected_threads finder(opts, rules);
  const auto deadline = std::chrono::steady_clock::now() + opts.settle_timeout();
  const leaks::survey last = leaks::settle(deadline, [&] { return finder.look(); });
  if (last.unexpected.empty()) return {};

  // Only the survivors are signalled for their stacks, now that they had every chance to exit.
  std::vector<thread_info> threads =
      snapshots::describe_threads(last.unexpected, snapshot_options().stack_timeout);
  std::erase_if(threads, [&](const thread_info& thread) { return rules.ignores(thread); });
  return leak_report(leaks::group_alike(std::move(threads)));
}

}  // namespace

leak_error::leak_error(leak_report report) : std::runtime_error(report.text()), report_(std::move(report)) {}

leak_report find_leaks(const options& opts) {
  if (opts.cleanup()) {
    throw config_error(
        "weft: options::cleanup can only be passed to verify_none or verify_main, not find_leaks");
  }
  return check(opts);
}

void verify_none(const options& opts) {
  leak_report report = check(opts);
  if (opts.cleanup()) opts.cleanup()(!report.empty());
  if (!report.empty()) throw leak_error(std::move(report));
}

int verify_main(int exit_code, const options& opts) {
  leak_report report;
  try {
    report = check(opts);
  } catch (const config_error& error) {
    // At the end of main an exception would only terminate; say what is wrong and fail the run.
    std::fprintf(stderr, "%s\n", error.what());
    return exit_code != 0 ? exit_code : 1;
  }
  if (!report.empty()) std::fputs(report.text().c_str(), stderr);
  if (opts.cleanup()) opts.cleanup()(!report.empty());
  return report.empty() || exit_code != 0 ? exit_code : 1;
}

}  // namespace weft
