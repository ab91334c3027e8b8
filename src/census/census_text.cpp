// The census as text and as JSON (schema "weft.census" version 1, docs/json-schema.md). Stacks, frames
// and groups go through the leak report's renderer and JSON writer.
#include <unistd.h>

#include <cstdio>

#include "report/render_stack.hpp"
#include "report/report_json.hpp"
#include "weft/census.hpp"

namespace weft {
namespace {

std::string seconds_text(std::chrono::nanoseconds age) {
  char text[32];
  std::snprintf(text, sizeof text, "%.1f s", std::chrono::duration<double>(age).count());
  return text;
}

std::string states_text(const std::map<std::string, std::size_t>& states) {
  std::string text;
  for (const auto& [state, count] : states) {
    if (!text.empty()) text += ", ";
    text += std::to_string(count) + " " + state;
  }
  return text;
}

std::string plural(std::size_t count, const char* noun) {
  return std::to_string(count) + " " + noun + (count == 1 ? "" : "s");
}

void render_thread_site(std::string& out, const census_thread_site& site) {
  out += "  " + plural(site.live, "thread") + " at " + site.site;
  if (site.live > 0)
    out += "  [" + states_text(site.states) + "; oldest " + seconds_text(site.oldest_age) + "]";
  if (site.created.how == creation_record::origin::pthread_create) {
    out +=
        "  created " + std::to_string(site.created_total) + ", exited " + std::to_string(site.exited_total);
  }
  out += "\n";
  for (const leak_group& group : site.stacks) {
    if (group.threads.empty()) continue;
    std::string who;
    if (group.threads.size() > 1) {
      who = plural(group.threads.size(), "thread") + " like Thread " +
            std::to_string(group.threads.front().id.tid);
    }
    report::render_thread(out, group.threads.front(), who);
  }
}

void render_task_site(std::string& out, const census_task_site& site) {
  out += "  " + plural(site.live, "task") + " at " + site.site + "  [" + states_text(site.states) +
         "; oldest " + seconds_text(site.oldest_age) + "]\n";
  for (const task_group& group : site.stacks) {
    if (group.tasks.empty()) continue;
    const std::string who = group.tasks.size() > 1 ? plural(group.tasks.size(), "task") + " like Task " +
                                                         std::to_string(group.tasks.front().id)
                                                   : "";
    report::render_task(out, group.tasks.front(), who);
  }
}

nlohmann::json counts_json(const std::map<std::string, std::size_t>& states) {
  nlohmann::json object = nlohmann::json::object();
  for (const auto& [state, count] : states) object[state] = count;
  return object;
}

}  // namespace

std::string census_report::text() const {
  std::string out = "weft census: " + plural(thread_count, "thread") + " at " +
                    plural(thread_sites.size(), "site") + ", " + plural(task_count, "task") + "; " +
                    std::to_string(threads_exited_total) + " exited since the start\n";
  for (const census_thread_site& site : thread_sites) render_thread_site(out, site);
  for (const census_task_site& site : task_sites) render_task_site(out, site);
  return out;
}

std::string census_report::json() const {
  nlohmann::json threads = nlohmann::json::array();
  for (const census_thread_site& site : thread_sites) {
    nlohmann::json groups = nlohmann::json::array();
    for (const leak_group& group : site.stacks) {
      if (!group.threads.empty()) groups.push_back(report::group_json(group));
    }
    threads.push_back({
        {"site", site.site},
        {"count", site.live},
        {"states", counts_json(site.states)},
        {"oldest_age_seconds", std::chrono::duration<double>(site.oldest_age).count()},
        {"created_total", site.created_total},
        {"exited_total", site.exited_total},
        {"tids", site.tids},
        {"created_by", report::created_by_json(site.created)},
        {"groups", std::move(groups)},
    });
  }
  nlohmann::json tasks = nlohmann::json::array();
  for (const census_task_site& site : task_sites) {
    nlohmann::json groups = nlohmann::json::array();
    for (const task_group& group : site.stacks) {
      if (!group.tasks.empty()) groups.push_back(report::task_group_json(group));
    }
    tasks.push_back({
        {"site", site.site},
        {"count", site.live},
        {"states", counts_json(site.states)},
        {"oldest_age_seconds", std::chrono::duration<double>(site.oldest_age).count()},
        {"ids", site.ids},
        {"created_by", report::created_by_json(site.created)},
        {"groups", std::move(groups)},
    });
  }
  const nlohmann::json document = {
      {"schema", "weft.census"},
      {"version", 1},
      {"pid", ::getpid()},
      {"thread_count", thread_count},
      {"task_count", task_count},
      {"threads_exited_total", threads_exited_total},
      {"thread_sites", std::move(threads)},
      {"task_sites", std::move(tasks)},
  };
  // Names and paths are raw bytes from the kernel and ELF files, as in the leak report.
  return document.dump(2, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace weft
