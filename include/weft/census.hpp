// The census of a running process: its live threads and registered tasks counted by creation site,
// cheap enough to take on every metrics scrape (docs/production.md).
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "weft/leaks.hpp"
#include "weft/snapshot.hpp"

// libweft exports the public API and hides the rest (docs/architecture.md).
#pragma GCC visibility push(default)
namespace weft {

struct census_options {
  // Also capture every live thread's stack and describe every task, as take_snapshot does: each
  // thread is sent one real-time signal (see take_snapshot). Off, the census signals no thread.
  bool stacks = false;
  // With `stacks`: the one bounded wait for every signalled thread to answer.
  std::chrono::milliseconds stack_timeout{1000};
};

// The threads created at one site: by the same function at the same line. A site is named by the
// first frame of the creation stack outside the C and C++ runtimes ("Pool::start() at pool.cpp:12");
// threads weft did not see created form two sites of their own, "(alive when weft was loaded)" and
// "(created outside pthread_create)".
struct census_thread_site {
  std::string site;
  // Of the first thread counted at this site: how it was created and, for pthread_create, the creation
  // stack (innermost first: `created.stack.frames.front()` is the top frame, pthread_create's caller)
  // and `created.creator`. `test` is left empty: a site spans tests.
  creation_record created;
  std::size_t live = 0;                       // threads alive now
  std::map<std::string, std::size_t> states;  // live threads by kernel state: "running", "sleeping", ...
  std::chrono::nanoseconds oldest_age{0};     // since the oldest live thread started; 0 when none live
  std::uint64_t created_total = 0;            // threads ever created here (pthread_create sites only)
  std::uint64_t exited_total = 0;             // of those, how many have left their start routine
  std::vector<int> tids;                      // the live threads, in tid order
  std::vector<leak_group> stacks;             // with census_options::stacks: the live threads, grouped
};

// The tasks (weft/tasks.hpp) registered at one site, named as thread sites are.
struct census_task_site {
  std::string site;
  creation_record created;                    // of the first task counted here; origin::register_task
  std::size_t live = 0;                       // registered and not unregistered
  std::map<std::string, std::size_t> states;  // by task_state: "created", "running", "suspended", "done"
  std::vector<std::uint64_t> ids;             // in id order
  std::chrono::nanoseconds oldest_age{0};     // since the oldest live task was registered
  std::vector<task_group> stacks;             // with census_options::stacks: the tasks, grouped
};

struct census_report {
  // Sites with live threads first (most first), then the sites whose threads all exited (most created
  // first); ties by name.
  std::vector<census_thread_site> thread_sites;
  std::vector<census_task_site> task_sites;  // most live tasks first; ties by name
  std::size_t thread_count = 0;              // live threads counted
  std::size_t task_count = 0;                // live tasks counted
  std::uint64_t threads_exited_total = 0;    // every thread created through pthread_create that exited

  // One line per site: count, name, states, oldest age, created and exited; then, when stacks were
  // taken, each site's threads and tasks rendered as in a leak report with full stacks.
  [[nodiscard]] std::string text() const;
  // The same content as JSON, schema "weft.census" version 1 (docs/json-schema.md): the frames,
  // stacks and groups written as in the leak report's JSON. `weft diff` reads it.
  [[nodiscard]] std::string json() const;
};

// Counts the live threads of the process (the caller included) and the registered tasks by creation
// site. Reads weft's creation records and one /proc stat file per thread, and symbolizes each site's
// creation stack once per unique pc; no thread is signalled unless `options.stacks`. Thread-safe; may be
// called from any thread, but not from a signal handler. Throws config_error for a malformed WEFT_*
// variable, std::system_error if /proc/self/task cannot be read at all.
[[nodiscard]] census_report census(const census_options& options = {});

// The census in Prometheus's text exposition format (version 0.0.4):
//   weft_threads{site="...",state="sleeping"}  live threads, a gauge
//   weft_tasks{site="...",state="suspended"}   live registered tasks, a gauge
//   weft_threads_created_total{site="..."}     threads created, a counter
//   weft_threads_exited_total                  threads that exited, a counter
// At most `max_sites` pthread_create sites are named, those that created the most threads; the rest
// are summed under site="other", and so are the tasks past the `max_sites` sites with the most live
// tasks. The two sites of threads weft did not see created are always named. Throws
// std::invalid_argument when max_sites is 0.
[[nodiscard]] std::string census_prometheus(const census_report& report, std::size_t max_sites = 20);
// census() without stacks, then the exposition above.
[[nodiscard]] std::string census_prometheus(std::size_t max_sites = 20);

}  // namespace weft
#pragma GCC visibility pop
