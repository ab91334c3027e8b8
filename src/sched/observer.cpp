#include "sched/observer.hpp"

#include <algorithm>
#include <stdexcept>

namespace weft::sched {
namespace observer_list {
run_observer* observers[max_observers] = {};
int observer_count = 0;
}  // namespace observer_list

void add_run_observer(run_observer& observer) {
  if (observer_list::observer_count == observer_list::max_observers) {
    throw std::length_error("weft: more than 8 run observers registered at once");
  }
  observer_list::observers[observer_list::observer_count++] = &observer;
}

void remove_run_observer(run_observer& observer) {
  run_observer** end = observer_list::observers + observer_list::observer_count;
  run_observer** kept = std::remove(observer_list::observers, end, &observer);
  observer_list::observer_count = static_cast<int>(kept - observer_list::observers);
}

}  // namespace weft::sched
