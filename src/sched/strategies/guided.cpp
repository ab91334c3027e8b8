#include "sched/strategies/guided.hpp"

#include <algorithm>
#include <charconv>
#include <limits>
#include <string>
#include <utility>

namespace weft::sched {
namespace {

constexpr std::size_t none = std::numeric_limits<std::size_t>::max();

template <typename T>
void grow_to(std::vector<T>& by_thread, thread_id thread, T fill = T{}) {
  if (by_thread.size() <= thread) by_thread.resize(thread + 1, fill);
}

// The index of `thread` among `candidates` if it may run now, else none.
std::size_t runnable_index(std::span<const candidate> candidates, thread_id thread) {
  for (std::size_t i = 0; i < candidates.size(); ++i) {
    if (candidates[i].thread == thread && !candidates[i].waits_for_progress) return i;
  }
  return none;
}

// The first candidate that may run now and is not `thread`, else none.
std::size_t other_than(std::span<const candidate> candidates, thread_id thread) {
  for (std::size_t i = 0; i < candidates.size(); ++i) {
    if (candidates[i].thread != thread && !candidates[i].waits_for_progress) return i;
  }
  return none;
}

}  // namespace

std::string encode_switches(std::span<const switch_point> switches) {
  std::string text;
  for (const switch_point& taken : switches) {
    if (!text.empty()) text += ',';
    text += std::to_string(taken.from) + '.' + std::to_string(taken.point) + '.' +
            std::to_string(taken.again) + '.' + std::to_string(taken.to) + '.' +
            (taken.preemption ? '1' : '0');
  }
  return text;
}

std::string encode_guide(std::span<const switch_point> switches, free_order order) {
  return std::string(guide_prefix) + (order == free_order::lowest_first ? 'l' : 'p') +
         encode_switches(switches);
}

std::optional<std::vector<switch_point>> decode_switches(std::string_view text) {
  std::vector<switch_point> switches;
  while (!text.empty()) {
    std::uint32_t fields[5] = {};
    for (int field = 0; field < 5; ++field) {
      const char* end = text.data() + text.size();
      const auto [stop, error] = std::from_chars(text.data(), end, fields[field]);
      if (error != std::errc() || stop == text.data()) return std::nullopt;
      text.remove_prefix(static_cast<std::size_t>(stop - text.data()));
      const char separator = field < 4 ? '.' : ',';
      if (text.empty() && field == 4) break;
      if (text.empty() || text.front() != separator) return std::nullopt;
      text.remove_prefix(1);
    }
    if (fields[4] > 1) return std::nullopt;
    switch_point taken;
    taken.from = fields[0];
    taken.point = fields[1];
    taken.again = fields[2];
    taken.to = fields[3];
    taken.preemption = fields[4] == 1;
    switches.push_back(taken);
  }
  return switches;
}

std::optional<decoded_guide> decode_guide(std::string_view text) {
  if (!text.starts_with(guide_prefix)) return std::nullopt;
  text.remove_prefix(guide_prefix.size());
  if (text.empty() || (text.front() != 'l' && text.front() != 'p')) return std::nullopt;
  decoded_guide decoded;
  decoded.order = text.front() == 'l' ? free_order::lowest_first : free_order::preempted_first;
  std::optional<std::vector<switch_point>> switches = decode_switches(text.substr(1));
  if (!switches) return std::nullopt;
  decoded.switches = std::move(*switches);
  return decoded;
}

std::size_t preemptions_in(std::span<const switch_point> switches) {
  return static_cast<std::size_t>(
      std::count_if(switches.begin(), switches.end(), [](const switch_point& s) { return s.preemption; }));
}

guided_strategy::guided_strategy(std::vector<switch_point> switches, free_order order)
    : switches_(std::move(switches)), order_(order), owner_(std::this_thread::get_id()) {
  for (std::size_t i = 0; i < switches_.size(); ++i) {
    const thread_id from = switches_[i].from;
    if (switches_of_.size() <= from) {
      switches_of_.resize(from + 1);
      preemptions_of_.resize(from + 1);
    }
    switches_of_[from].push_back(i);
    if (switches_[i].preemption) preemptions_of_[from].push_back(i);
  }
  // Stable: of two switches wanted at one decision (a hand-written guide), the first still wins.
  const auto by_place = [&](std::size_t a, std::size_t b) {
    return std::pair(switches_[a].point, switches_[a].again) <
           std::pair(switches_[b].point, switches_[b].again);
  };
  for (std::vector<std::size_t>& own : switches_of_) std::stable_sort(own.begin(), own.end(), by_place);
  for (std::vector<std::size_t>& own : preemptions_of_) std::stable_sort(own.begin(), own.end(), by_place);
  rewind();
  add_run_observer(*this);
}

void guided_strategy::rewind() {
  next_switch_.assign(switches_of_.size(), 0);
  next_preemption_.assign(preemptions_of_.size(), 0);
  preemptions_to_.clear();
  for (const switch_point& wanted : switches_) {
    if (!wanted.preemption) continue;
    grow_to(preemptions_to_, wanted.to);
    ++preemptions_to_[wanted.to];
  }
}

guided_strategy::guided_strategy(std::unique_ptr<strategy> inner)
    : inner_(std::move(inner)), owner_(std::this_thread::get_id()) {
  add_run_observer(*this);
}

guided_strategy::~guided_strategy() {
  remove_run_observer(*this);
}

bool guided_strategy::begin_run(std::uint64_t run_index) {
  taken_.clear();
  points_.clear();
  decided_point_.clear();
  decided_again_.clear();
  pending_.clear();
  performed_.clear();
  awaiting_site_.clear();
  rewind();
  return inner_ == nullptr || inner_->begin_run(run_index);
}

std::size_t guided_strategy::choose(std::span<const candidate> candidates, thread_id current) {
  grow_to(points_, current);
  grow_to(decided_point_, current);
  grow_to(decided_again_, current);
  const std::uint32_t point = points_[current];
  const std::uint32_t again = decided_point_[current] == point ? decided_again_[current] + 1 : 0;
  decided_point_[current] = point;
  decided_again_[current] = again;
  const std::size_t current_index = runnable_index(candidates, current);
  std::size_t chosen = none;
  if (inner_ != nullptr) {
    chosen = inner_->choose(candidates, current);
  } else {
    if (const switch_point* wanted = wanted_at(current, point, again)) {
      chosen = runnable_index(candidates, wanted->to);
      // What a preemption needs is mostly that `from` stops there, less who runs instead: when its
      // thread cannot run now, another that can does.
      if (chosen == none && wanted->preemption && current_index != none)
        chosen = other_than(candidates, current);
    }
    if (chosen == none) chosen = current_index != none ? current_index : free_choice(candidates);
  }
  const candidate& picked = candidates[std::min(chosen, candidates.size() - 1)];
  if (picked.thread != current) {
    switch_point taken;
    taken.from = current;
    taken.point = point;
    taken.again = again;
    taken.to = picked.thread;
    taken.preemption = current_index != none;
    if (current < performed_.size()) taken.from_before = performed_[current];
    if (current_index != none) taken.from_next = candidates[current_index].next;
    taken.to_next = picked.next;
    if (taken.to_next.site == 0) {
      grow_to(awaiting_site_, picked.thread, none);
      awaiting_site_[picked.thread] = taken_.size();
    }
    taken_.push_back(taken);
  }
  return chosen;
}

const switch_point* guided_strategy::wanted_at(thread_id from, std::uint32_t point, std::uint32_t again) {
  if (from >= switches_of_.size()) return nullptr;
  const std::vector<std::size_t>& own = switches_of_[from];
  std::size_t& next = next_switch_[from];
  const auto place = std::pair(point, again);
  while (next < own.size() && std::pair(switches_[own[next]].point, switches_[own[next]].again) < place)
    ++next;
  if (next == own.size()) return nullptr;
  const switch_point& wanted = switches_[own[next]];
  return std::pair(wanted.point, wanted.again) == place ? &wanted : nullptr;
}

// 0: it has yet to reach a preemption; 1: nothing to do with one; 2: a preemption left is to switch to
// it; 3: it was preempted and waits there, which a preemption means: the others go on first. A thread
// at its preemption's point that is not current was switched away from there.
int guided_strategy::free_rank(thread_id thread) const {
  if (thread < preemptions_of_.size() && next_preemption_[thread] < preemptions_of_[thread].size()) {
    const switch_point& own = switches_[preemptions_of_[thread][next_preemption_[thread]]];
    const std::uint32_t reached = thread < points_.size() ? points_[thread] : 0;
    return reached < own.point ? 0 : 3;
  }
  return thread < preemptions_to_.size() && preemptions_to_[thread] > 0 ? 2 : 1;
}

std::size_t guided_strategy::free_choice(std::span<const candidate> candidates) const {
  std::size_t chosen = eligible_index(candidates, 0);
  if (order_ == free_order::lowest_first) return chosen;
  int chosen_rank = free_rank(candidates[chosen].thread);
  for (std::size_t i = chosen + 1; i < candidates.size(); ++i) {
    if (candidates[i].waits_for_progress) continue;
    const int this_rank = free_rank(candidates[i].thread);
    if (this_rank < chosen_rank) {
      chosen = i;
      chosen_rank = this_rank;
    }
  }
  return chosen;
}

void guided_strategy::end_run(std::size_t steps) {
  if (inner_ != nullptr) inner_->end_run(steps);
}

std::string_view guided_strategy::name() const {
  return inner_ != nullptr ? inner_->name() : "guided";
}

void guided_strategy::run_started(const run& started) {
  if (std::this_thread::get_id() == owner_) watched_.store(&started, std::memory_order_relaxed);
}

// Called by the thread holding the baton, before any decision at the point it reached.
void guided_strategy::point_reached(const run& current, thread_id thread, const operation& op) {
  if (&current != watched_.load(std::memory_order_relaxed)) return;
  grow_to(pending_, thread);
  grow_to(performed_, thread);
  grow_to(points_, thread);
  ++points_[thread];
  // A preemption is passed once its thread has gone beyond its point.
  if (thread < preemptions_of_.size()) {
    const std::vector<std::size_t>& own = preemptions_of_[thread];
    std::size_t& next = next_preemption_[thread];
    while (next < own.size() && switches_[own[next]].point < points_[thread]) {
      --preemptions_to_[switches_[own[next]].to];
      ++next;
    }
  }
  // Reaching a point means the previous one was performed (one thread runs at a time).
  performed_[thread] = pending_[thread];
  pending_[thread] = op;
  if (thread < awaiting_site_.size() && awaiting_site_[thread] != none && op.site != 0) {
    taken_[awaiting_site_[thread]].to_next = op;
    awaiting_site_[thread] = none;
  }
}

}  // namespace weft::sched
