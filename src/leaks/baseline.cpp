#include "leaks/baseline.hpp"

#include <memory>

#include "platform/threads.hpp"
#include "registry/registry.hpp"
#include "tasks/task_registry.hpp"
#include "weft/options.hpp"

namespace weft {

options& options::ignore_current() {
  auto taken = std::make_shared<detail::baseline>();
  // Birth first: a thread created between the two reads then counts as alive at the baseline, never
  // as a leak of the code that runs after it.
  taken->last_birth = registry::last_birth();
  taken->last_task = tasks::last_task_id();
  platform::list_threads(taken->tids);
  std::sort(taken->tids.begin(), taken->tids.end());
  baseline_ = std::move(taken);
  return *this;
}

}  // namespace weft
