#include "leaks/unexpected_threads.hpp"

#include <algorithm>

#include "leaks/baseline.hpp"
#include "platform/threads.hpp"
#include "registry/registry.hpp"
#include "snapshot/describe_threads.hpp"

namespace weft::leaks {
namespace {

using namespace std::chrono_literals;

// Threads weft did not see created send no exit event; they are looked at again this often.
constexpr auto unseen_poll_interval = 5ms;

}  // namespace

unexpected_threads::unexpected_threads(const options& opts, const rule_set& rules, int stand_in_for)
    : opts_(opts), rules_(rules), self_(platform::current_tid()), stand_in_for_(stand_in_for) {}

bool unexpected_threads::ignored_by_identity(int tid) {
  auto [verdict, inserted] = identity_verdicts_.try_emplace(tid, false);
  if (inserted) {
    std::optional<platform::task_status> status = platform::read_task(tid);
    verdict->second = status && rules_.ignores_by_identity(status->name, snapshots::creation_of(tid));
  }
  return verdict->second;
}

survey unexpected_threads::look() {
  survey found;
  tids_.clear();
  platform::list_threads(tids_);
  const detail::baseline* baseline = opts_.baseline().get();
  const std::uint64_t born_after = baseline != nullptr ? baseline->last_birth : 0;
  const bool anything_new = registry::count_live_born_after(born_after) > 0;
  bool any_unseen = false;

  for (int tid : tids_) {
    if (tid == self_ || tid == stand_in_for_) continue;
    // The common no-leak teardown ends here for every thread: nothing was born since the baseline,
    // so every recorded live thread is covered by it, and no copy of a record is made.
    if (baseline != nullptr && !anything_new &&
        (registry::is_live(tid) || baseline->covers(tid, std::nullopt))) {
      continue;
    }
    std::optional<registry::thread_record> record = registry::find_live(tid);
    std::optional<std::uint64_t> birth;
    if (record) birth = record->birth;
    if (baseline != nullptr && baseline->covers(tid, birth)) continue;
    // Left its start routine a moment ago and not yet reaped: gone, as far as the test is concerned,
    // rather than a thread weft did not see created, which would be polled.
    if (!record && registry::finished_recently(tid)) continue;
    if (!record) any_unseen = true;
    if (ignored_by_identity(tid)) continue;
    found.unexpected.push_back(tid);
  }

  if (anything_new) {
    std::vector<registry::thread_record> records;
    registry::live_born_after(born_after, records);
    found.not_started =
        std::count_if(records.begin(), records.end(), [](const auto& r) { return r.tid == 0; });
  }

  // Stack rules (and the sanitizer default) are not applied here: a stack costs the thread a signal,
  // and a look must not disturb a thread that may yet exit on its own.
  if (any_unseen) found.look_again_at = std::chrono::steady_clock::now() + unseen_poll_interval;
  return found;
}

}  // namespace weft::leaks
