// The census in Prometheus's text exposition format, with a bounded number of site labels: a service
// that creates threads from many places must not grow its metrics without bound.
#include <algorithm>
#include <map>
#include <stdexcept>

#include "weft/census.hpp"

namespace weft {
namespace {

constexpr const char* other_site = "other";

// A label value as the format wants it: backslash, double quote and line feed escaped.
std::string label_value(const std::string& text) {
  std::string escaped;
  escaped.reserve(text.size());
  for (char c : text) {
    if (c == '\\') {
      escaped += "\\\\";
    } else if (c == '"') {
      escaped += "\\\"";
    } else if (c == '\n') {
      escaped += "\\n";
    } else {
      escaped += c;
    }
  }
  return escaped;
}

void header(std::string& out, const char* name, const char* type, const char* help) {
  out.append("# HELP ").append(name).append(" ").append(help).append("\n");
  out.append("# TYPE ").append(name).append(" ").append(type).append("\n");
}

void sample(std::string& out, const char* name, const std::string& labels, std::uint64_t value) {
  out.append(name);
  if (!labels.empty()) out.append("{").append(labels).append("}");
  out.append(" ").append(std::to_string(value)).append("\n");
}

std::string site_label(const std::string& site) {
  return "site=\"" + label_value(site) + "\"";
}

// The label each thread site is counted under: the max_sites pthread_create sites that created the
// most threads keep their names (ranking by a counter keeps the names steady from scrape to scrape).
std::vector<std::string> thread_labels(const std::vector<census_thread_site>& sites, std::size_t max_sites) {
  std::vector<std::size_t> created_sites;
  for (std::size_t i = 0; i < sites.size(); ++i) {
    if (sites[i].created.how == creation_record::origin::pthread_create) created_sites.push_back(i);
  }
  std::stable_sort(created_sites.begin(), created_sites.end(), [&](std::size_t a, std::size_t b) {
    if (sites[a].created_total != sites[b].created_total)
      return sites[a].created_total > sites[b].created_total;
    return sites[a].site < sites[b].site;
  });
  std::vector<std::string> labels(sites.size());
  for (std::size_t i = 0; i < sites.size(); ++i) labels[i] = sites[i].site;
  for (std::size_t rank = max_sites; rank < created_sites.size(); ++rank)
    labels[created_sites[rank]] = other_site;
  return labels;
}

}  // namespace

std::string census_prometheus(const census_report& report, std::size_t max_sites) {
  if (max_sites == 0) throw std::invalid_argument("weft::census_prometheus: max_sites must be at least 1");
  const std::vector<std::string> labels = thread_labels(report.thread_sites, max_sites);

  // Summed by label first: the sites folded into "other" must be one sample per state, not many.
  std::map<std::pair<std::string, std::string>, std::uint64_t> threads;
  std::map<std::string, std::uint64_t> created;
  for (std::size_t i = 0; i < report.thread_sites.size(); ++i) {
    const census_thread_site& site = report.thread_sites[i];
    for (const auto& [state, count] : site.states) threads[{labels[i], state}] += count;
    if (site.created.how == creation_record::origin::pthread_create) created[labels[i]] += site.created_total;
  }
  // task_sites come most live first: the first max_sites keep their names.
  std::map<std::pair<std::string, std::string>, std::uint64_t> tasks;
  for (std::size_t i = 0; i < report.task_sites.size(); ++i) {
    const census_task_site& site = report.task_sites[i];
    const std::string& label = i < max_sites ? site.site : other_site;
    for (const auto& [state, count] : site.states) tasks[{label, state}] += count;
  }

  std::string out;
  header(out, "weft_threads", "gauge", "Live threads by creation site and kernel state.");
  for (const auto& [key, count] : threads) {
    sample(out, "weft_threads", site_label(key.first) + ",state=\"" + key.second + "\"", count);
  }
  header(out, "weft_tasks", "gauge", "Live registered tasks by creation site and state.");
  for (const auto& [key, count] : tasks) {
    sample(out, "weft_tasks", site_label(key.first) + ",state=\"" + key.second + "\"", count);
  }
  header(out, "weft_threads_created_total", "counter",
         "Threads created through pthread_create, by creation site.");
  for (const auto& [label, count] : created)
    sample(out, "weft_threads_created_total", site_label(label), count);
  header(out, "weft_threads_exited_total", "counter", "Threads created through pthread_create that exited.");
  sample(out, "weft_threads_exited_total", "", report.threads_exited_total);
  return out;
}

std::string census_prometheus(std::size_t max_sites) {
  if (max_sites == 0) throw std::invalid_argument("weft::census_prometheus: max_sites must be at least 1");
  return census_prometheus(census(), max_sites);
}

}  // namespace weft
