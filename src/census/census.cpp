// The census: live threads and registered tasks counted by creation site, from weft's creation records
// and one /proc stat read per thread. Stacks only when asked.
#include "weft/census.hpp"

#include <algorithm>
#include <cerrno>
#include <map>
#include <system_error>
#include <unordered_map>

#include "census/site_names.hpp"
#include "leaks/group.hpp"
#include "platform/threads.hpp"
#include "registry/registry.hpp"
#include "report/report_json.hpp"
#include "snapshot/describe_threads.hpp"
#include "symbolize/runtime_frames.hpp"
#include "symbolize/symbolizer.hpp"
#include "tasks/describe_tasks.hpp"
#include "tasks/task_registry.hpp"
#include "weft/options.hpp"

namespace weft {
namespace census_sites {

const char* kernel_state_word(char state) {
  switch (state) {
    case 'R':
      return "running";
    case 'S':
      return "sleeping";
    case 'D':
      return "disk_sleep";
    case 'T':
    case 't':
      return "stopped";
    case 'Z':
      return "zombie";
    default:
      return "other";
  }
}

creation_record record_of(std::span<const std::uintptr_t> pcs, creation_record::origin how) {
  creation_record created;
  created.how = how;
  created.stack.frames = symbolize::frames(pcs, /*first_is_exact=*/false);
  if (created.stack.frames.empty())
    created.stack.unavailable_reason = "the creation stack could not be unwound";
  if (const stack_frame* creator = symbolize::first_user_frame(created.stack)) created.creator = *creator;
  return created;
}

std::string site_name(const creation_record& created) {
  switch (created.how) {
    case creation_record::origin::before_weft_loaded:
      return before_weft_site;
    case creation_record::origin::unseen:
      return unseen_site;
    case creation_record::origin::pthread_create:
    case creation_record::origin::register_task:
      break;
  }
  if (!created.creator.function.empty() || !created.creator.module.empty()) return created.creator.location();
  if (!created.stack.frames.empty()) return created.stack.frames.front().location();
  return unknown_site;
}

}  // namespace census_sites

namespace {

using census_sites::kernel_state_word;
using census_sites::record_of;
using census_sites::site_name;

// Sites by name: creation stacks that differ below the creating function are one site.
template <typename site_type>
class sites_by_name {
 public:
  // The site named after `created`, added on first use with `created` as its record.
  site_type& at(creation_record created) {
    std::string name = site_name(created);
    auto [where, inserted] = index_.try_emplace(name, sites_.size());
    if (inserted) {
      site_type& site = sites_.emplace_back();
      site.site = std::move(name);
      site.created = std::move(created);
    }
    return sites_[where->second];
  }
  std::size_t index_of(const std::string& name) const { return index_.at(name); }
  std::vector<site_type>& all() { return sites_; }

 private:
  std::vector<site_type> sites_;
  std::map<std::string, std::size_t> index_;
};

void count_threads(census_report& report, const census_options& options) {
  registry::census_records records;
  registry::read_census(records);
  std::vector<int> tids;
  if (!platform::list_threads(tids)) {
    throw std::system_error(errno, std::generic_category(),
                            "weft: cannot list the threads in /proc/self/task");
  }

  sites_by_name<census_thread_site> sites;
  // Every registry site, threads or not: its counters belong in the census after its threads exited.
  std::vector<std::size_t> index_of_record_site;
  index_of_record_site.reserve(records.sites.size());
  for (const registry::site_counts& counts : records.sites) {
    census_thread_site& site =
        sites.at(record_of(counts.creation_pcs, creation_record::origin::pthread_create));
    site.created_total += counts.created;
    site.exited_total += counts.exited;
    report.threads_exited_total += counts.exited;
    index_of_record_site.push_back(static_cast<std::size_t>(&site - sites.all().data()));
  }
  std::unordered_map<int, std::size_t> record_site_of_tid;
  record_site_of_tid.reserve(records.live.size());
  for (const registry::live_thread_site& live : records.live) record_site_of_tid.emplace(live.tid, live.site);

  // Threads listed without a record yet are the pending ones (started, not yet at their first
  // instruction) as long as there are pending records: counted at those sites, oldest record first.
  // The pairing of tid to record may be off between two pending threads, the count per site is not.
  std::size_t next_pending = 0;
  std::unordered_map<int, std::size_t> site_of_tid;
  // One "now" for every thread, so that two threads started in one clock tick have one age.
  const std::chrono::nanoseconds now = platform::time_since_boot();
  for (int tid : tids) {
    // A thread that has left its start routine is on its way out, and its record is gone already.
    if (registry::finished_recently(tid)) continue;
    const std::optional<platform::task_brief> brief = platform::read_task_brief(tid);
    if (!brief) continue;  // exited meanwhile
    census_thread_site* site = nullptr;
    if (auto it = record_site_of_tid.find(tid); it != record_site_of_tid.end()) {
      site = &sites.all()[index_of_record_site[it->second]];
    } else if (!registry::existed_at_load(tid) && next_pending < records.pending.size()) {
      site = &sites.all()[index_of_record_site[records.pending[next_pending++]]];
    } else {
      creation_record created;
      created.how = registry::existed_at_load(tid) ? creation_record::origin::before_weft_loaded
                                                   : creation_record::origin::unseen;
      site = &sites.at(std::move(created));
    }
    ++site->live;
    ++site->states[kernel_state_word(brief->state)];
    const std::chrono::nanoseconds started = platform::since_boot(brief->start_time);
    if (now > started) site->oldest_age = std::max(site->oldest_age, now - started);
    site->tids.push_back(tid);
    site_of_tid.emplace(tid, static_cast<std::size_t>(site - sites.all().data()));
    ++report.thread_count;
  }

  if (options.stacks) {
    std::vector<int> counted;
    for (const auto& [tid, site] : site_of_tid) counted.push_back(tid);
    std::sort(counted.begin(), counted.end());
    std::vector<std::vector<thread_info>> by_site(sites.all().size());
    for (thread_info& thread : snapshots::describe_threads(counted, options.stack_timeout)) {
      by_site[site_of_tid.at(thread.id.tid)].push_back(std::move(thread));
    }
    for (std::size_t i = 0; i < by_site.size(); ++i) {
      sites.all()[i].stacks = leaks::group_alike(std::move(by_site[i]));
    }
  }

  report.thread_sites = std::move(sites.all());
  std::sort(report.thread_sites.begin(), report.thread_sites.end(),
            [](const census_thread_site& a, const census_thread_site& b) {
              if (a.live != b.live) return a.live > b.live;
              if (a.created_total != b.created_total) return a.created_total > b.created_total;
              return a.site < b.site;
            });
}

void count_tasks(census_report& report, const census_options& options) {
  std::vector<tasks::task_record> records;
  tasks::live_tasks(records);
  sites_by_name<census_task_site> sites;
  // Symbolized once per distinct registration stack, not once per task.
  std::map<std::vector<std::uintptr_t>, std::string> name_of_stack;
  std::unordered_map<std::uint64_t, std::size_t> site_of_task;
  const auto now = std::chrono::steady_clock::now();
  for (const tasks::task_record& task : records) {
    auto known = name_of_stack.find(task.creation_pcs);
    census_task_site* site = nullptr;
    if (known == name_of_stack.end()) {
      site = &sites.at(record_of(task.creation_pcs, creation_record::origin::register_task));
      name_of_stack.emplace(task.creation_pcs, site->site);
    } else {
      site = &sites.all()[sites.index_of(known->second)];
    }
    ++site->live;
    ++site->states[report::state_name(task.state)];
    site->ids.push_back(task.id);
    if (now > task.registered_at) {
      site->oldest_age = std::max(
          site->oldest_age, std::chrono::duration_cast<std::chrono::nanoseconds>(now - task.registered_at));
    }
    site_of_task.emplace(task.id, static_cast<std::size_t>(site - sites.all().data()));
    ++report.task_count;
  }

  if (options.stacks) {
    std::vector<std::vector<task_info>> by_site(sites.all().size());
    for (task_info& task : tasks::describe_all()) {
      // A task registered after the count above is left out, as a thread started after it would be.
      if (auto it = site_of_task.find(task.id); it != site_of_task.end())
        by_site[it->second].push_back(std::move(task));
    }
    for (std::size_t i = 0; i < by_site.size(); ++i) {
      sites.all()[i].stacks = leaks::group_alike_tasks(std::move(by_site[i]));
    }
  }

  report.task_sites = std::move(sites.all());
  std::sort(report.task_sites.begin(), report.task_sites.end(),
            [](const census_task_site& a, const census_task_site& b) {
              if (a.live != b.live) return a.live > b.live;
              return a.site < b.site;
            });
}

}  // namespace

census_report census(const census_options& options) {
  check_environment();
  census_report report;
  count_threads(report, options);
  count_tasks(report, options);
  return report;
}

}  // namespace weft
