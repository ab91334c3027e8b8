// The installed weft::census_http in a C++17 project: the endpoint serves this process's census.
#include <cstdio>
#include <string>
#include <weft/census.hpp>
#include <weft/census_http.hpp>

static_assert(__cplusplus == 201703L, "weft's targets raised the language standard of a C++17 user");

int main() {
  weft::census_server server = weft::serve_census();
  if (server.port() <= 0) {
    std::fprintf(stderr, "census_check: no port\n");
    return 1;
  }
  // The endpoint's own listener thread is counted, at its site in weft::serve_census.
  const weft::census_report report = weft::census();
  const std::string metrics = weft::census_prometheus(report);
  if (report.thread_count < 2 ||
      metrics.find("weft_threads_created_total{site=\"weft::serve_census(") == std::string::npos) {
    std::fprintf(stderr, "census_check: unexpected census:\n%s%s", report.text().c_str(), metrics.c_str());
    return 1;
  }
  std::puts("census_check: ok");
  return 0;
}
