#include "sched/leak_check_in_run.hpp"

#include <time.h>

#include "sched/controlled_calls.hpp"
#include "sched/run.hpp"

namespace weft::sched {

leak_check_in_run::leak_check_in_run(std::chrono::milliseconds settle) {
  managed_thread* me = managed_self();
  if (me == nullptr || me->owner == nullptr) return;
  if (!me->owner->ended()) {
    const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(settle);
    const timespec wait{static_cast<time_t>(seconds.count()),
                        static_cast<long>(std::chrono::nanoseconds(settle - seconds).count())};
    (void)controlled_sleep(*me, CLOCK_MONOTONIC, wait, /*absolute=*/false);
  }
  checking_ = me->owner;
  checking_->begin_own_work();
  internal_.emplace();
}

int leak_check_in_run::caller_of_the_run() const {
  return checking_ != nullptr ? checking_->controller_tid() : 0;
}

leak_check_in_run::~leak_check_in_run() {
  internal_.reset();
  if (checking_ != nullptr) checking_->end_own_work();
}

}  // namespace weft::sched
