#include "sched/leak_check_in_run.hpp"

#include "sched/run.hpp"

namespace weft::sched {

leak_check_in_run::leak_check_in_run(std::chrono::milliseconds settle) {
  managed_thread* me = managed_self();
  if (me == nullptr || me->owner == nullptr) return;
  if (!me->owner->ended()) {
    inside_weft internal;
    run& current = *me->owner;
    // The settle wait is weft's, not the program's: the others get all of it, as they would in real
    // time, and it ends only when nothing else can run.
    current.point(*me, {op_kind::sleep, 0});
    current.block(*me, {op_kind::sleep, 0}, current.now_ns() + std::chrono::nanoseconds(settle).count(),
                  run::deadline_kind::firm);
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
