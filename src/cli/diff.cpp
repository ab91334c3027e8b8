// `weft diff BEFORE.json AFTER.json`: the sites whose live threads or tasks grew between two censuses
// (weft dump), largest growth first, like `pprof -base`. Exits 1 when some site grew, 0 when none did.
#include <algorithm>
#include <cstdio>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "cli/command.hpp"
#include "cli/usage_error.hpp"
#include "report/quoted_text.hpp"

namespace weft::cli {
namespace {

struct census_counts {
  std::map<std::string, long long> threads;  // live threads by site
  std::map<std::string, long long> tasks;    // live tasks by site
};

census_counts read_census(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) throw usage_error("cannot read " + report::quoted_prefix(path));
  std::stringstream text;
  text << file.rdbuf();
  const nlohmann::json document = nlohmann::json::parse(text.str(), nullptr, /*allow_exceptions=*/false);
  if (!document.is_object() || document.value("schema", "") != "weft.census") {
    throw usage_error(report::quoted_prefix(path) + " is not a census (weft dump writes them)");
  }
  if (document.value("version", 0) != 1) {
    throw usage_error(report::quoted_prefix(path) + " is a census of version " +
                      std::to_string(document.value("version", 0)) + "; this weft reads version 1");
  }
  census_counts counts;
  try {
    for (const nlohmann::json& site : document.at("thread_sites")) {
      counts.threads[site.at("site").get<std::string>()] += site.at("count").get<long long>();
    }
    for (const nlohmann::json& site : document.at("task_sites")) {
      counts.tasks[site.at("site").get<std::string>()] += site.at("count").get<long long>();
    }
  } catch (const nlohmann::json::exception& error) {
    throw usage_error(report::quoted_prefix(path) + " is a damaged census: " + error.what());
  }
  return counts;
}

struct growth {
  std::string site;
  const char* what;  // "thread" or "task"
  long long before = 0;
  long long after = 0;
  [[nodiscard]] long long by() const { return after - before; }
};

void add_growth(std::vector<growth>& grown, const std::map<std::string, long long>& before,
                const std::map<std::string, long long>& after, const char* what) {
  for (const auto& [site, count] : after) {
    const auto was = before.find(site);
    const long long earlier = was == before.end() ? 0 : was->second;
    if (count > earlier) grown.push_back({site, what, earlier, count});
  }
}

class diff_command final : public command {
 public:
  CLI::App* define(CLI::App& weft) override {
    CLI::App* diff = weft.add_subcommand(
        "diff", "Show the creation sites whose live threads or tasks grew between two censuses (weft dump)");
    diff->add_option("before", before_, "The earlier census (JSON from weft dump)")->required();
    diff->add_option("after", after_, "The later census")->required();
    return diff;
  }

  int execute(const std::vector<std::string>& program) override {
    if (!program.empty()) throw usage_error("takes no program after \"--\"");
    const census_counts before = read_census(before_);
    const census_counts after = read_census(after_);
    std::vector<growth> grown;
    add_growth(grown, before.threads, after.threads, "thread");
    add_growth(grown, before.tasks, after.tasks, "task");
    std::stable_sort(grown.begin(), grown.end(), [](const growth& a, const growth& b) {
      if (a.by() != b.by()) return a.by() > b.by();
      return a.site < b.site;
    });
    if (grown.empty()) {
      std::printf("weft diff: no site grew\n");
      return exit_ok;
    }
    std::printf("weft diff: %zu site%s grew, largest first:\n", grown.size(), grown.size() == 1 ? "" : "s");
    for (const growth& each : grown) {
      std::printf("  +%lld %s%s  %s  (%lld -> %lld)\n", each.by(), each.what, each.by() == 1 ? "" : "s",
                  each.site.c_str(), each.before, each.after);
    }
    return exit_failure_found;
  }

 private:
  std::string before_;
  std::string after_;
};

}  // namespace

std::unique_ptr<command> make_diff_command() {
  return std::make_unique<diff_command>();
}

}  // namespace weft::cli
