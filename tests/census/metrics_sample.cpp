// Prints this process's census in Prometheus's text format, with threads parked at a few sites and
// one site name that needs escaping; promtool checks it (check_metrics.cmake).
#include <cstdio>
#include <thread>

#include "census/parked_threads.hpp"
#include "weft/census.hpp"

namespace {

template <int site>
WEFT_TEST_SITE void park_at(weft_test::parked_threads& threads) {
  for (int i = 0; i <= site; ++i) threads.adopt(std::thread(threads.waiter()));
}

}  // namespace

int main() {
  weft_test::parked_threads threads;
  park_at<0>(threads);
  park_at<1>(threads);
  park_at<2>(threads);
  weft::census_report report = weft::census();
  // A name as odd as a demangled template can be: quotes, a backslash and a line break.
  weft::census_thread_site& odd = report.thread_sites.emplace_back();
  odd.site = "odd<\"quoted\\\">\nname";
  odd.created.how = weft::creation_record::origin::pthread_create;
  odd.created_total = 1;
  odd.live = 1;
  odd.states["sleeping"] = 1;
  std::fputs(weft::census_prometheus(report, 2).c_str(), stdout);
  return 0;
}
