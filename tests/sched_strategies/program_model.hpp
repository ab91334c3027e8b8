// A simulated program for testing strategies without threads: each thread is a list of operations,
// and a run executes one operation per step, asking the strategy whenever two or more threads could
// run, exactly as the run engine does. Every thread can run until its list is done.
//
// Operations have just enough meaning to express bugs: atomic_load copies the object's value into the
// thread's register, atomic_store writes the register plus one (so load, store is an unguarded
// increment), atomic_rmw adds one at once; every other kind only takes a step.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <functional>
#include <map>
#include <vector>

#include "sched/operation.hpp"
#include "sched/strategies/strategy.hpp"

namespace weft_test {

using weft::sched::candidate;
using weft::sched::op_kind;
using weft::sched::operation;
using weft::sched::strategy;
using weft::sched::thread_id;

struct program {
  std::vector<std::vector<operation>> threads;
};

struct run_result {
  std::vector<thread_id> order;          // the thread that ran at each step
  std::vector<std::size_t> choices;      // what choose returned, in order
  std::size_t preemptions = 0;           // choices of another thread while the current one could run
  std::map<std::uintptr_t, int> memory;  // each object's final value
};

inline constexpr std::uintptr_t shared_x = 0x1000;

// Runs `model` once under `s`, whose run has already begun; does not call end_run.
inline run_result run_model(const program& model, strategy& s) {
  run_result result;
  std::vector<std::size_t> next(model.threads.size(), 0);
  std::vector<int> registers(model.threads.size(), 0);
  thread_id current = 0;
  for (;;) {
    std::vector<candidate> candidates;
    for (thread_id t = 0; t < model.threads.size(); ++t) {
      if (next[t] < model.threads[t].size()) candidates.push_back({t, model.threads[t][next[t]]});
    }
    if (candidates.empty()) return result;
    std::size_t index = 0;
    if (candidates.size() >= 2) {
      index = s.choose(candidates, current);
      if (index >= candidates.size()) {
        ADD_FAILURE() << s.name() << " chose index " << index << " of " << candidates.size() << " candidates";
        index = 0;
      }
      result.choices.push_back(index);
      bool current_could_run = false;
      for (const candidate& c : candidates) current_could_run |= c.thread == current;
      if (current_could_run && candidates[index].thread != current) ++result.preemptions;
    }
    const thread_id runs = candidates[index].thread;
    const operation& op = candidates[index].next;
    int& value = result.memory[op.object];
    if (op.kind == op_kind::atomic_load) registers[runs] = value;
    if (op.kind == op_kind::atomic_store) value = registers[runs] + 1;
    if (op.kind == op_kind::atomic_rmw) ++value;
    ++next[runs];
    result.order.push_back(runs);
    current = runs;
  }
}

// Begins up to `max_runs` runs of `model` under `s`, ending each with its step count, and hands each
// result to `visit` until it returns true. Returns the index of that run, or -1 if none did (or the
// strategy stopped first).
inline long explore_until(const program& model, strategy& s, int max_runs,
                          const std::function<bool(const run_result&)>& visit) {
  for (int run = 0; run < max_runs; ++run) {
    if (!s.begin_run(static_cast<std::uint64_t>(run))) return -1;
    run_result result = run_model(model, s);
    s.end_run(result.order.size());
    if (visit(result)) return run;
  }
  return -1;
}

// Every run's result, until the strategy stops or `max_runs` is reached.
inline std::vector<run_result> explore_all(const program& model, strategy& s, int max_runs) {
  std::vector<run_result> results;
  explore_until(model, s, max_runs, [&](const run_result& result) {
    results.push_back(result);
    return false;
  });
  return results;
}

// `count` steps on an object only this thread touches, so they conflict with nothing.
inline std::vector<operation> private_steps(thread_id thread, int count) {
  return std::vector<operation>(count, operation{op_kind::atomic_store, 0x100 + thread});
}

// Each thread: `padding` private steps, then an unguarded increment of x (load, then store).
inline program lost_update_program(int threads, int padding) {
  program model;
  for (int t = 0; t < threads; ++t) {
    std::vector<operation> ops = private_steps(t, padding);
    ops.push_back({op_kind::atomic_load, shared_x});
    ops.push_back({op_kind::atomic_store, shared_x});
    model.threads.push_back(ops);
  }
  return model;
}

// The fixed version: the increment is one atomic read-modify-write.
inline program atomic_increment_program(int threads, int padding) {
  program model;
  for (int t = 0; t < threads; ++t) {
    std::vector<operation> ops = private_steps(t, padding);
    ops.push_back({op_kind::atomic_rmw, shared_x});
    model.threads.push_back(ops);
  }
  return model;
}

inline bool lost_an_update(const run_result& result, int threads) {
  return result.memory.at(shared_x) != threads;
}

// `threads` threads of `steps` private steps each.
inline program independent_program(int threads, int steps) {
  program model;
  for (int t = 0; t < threads; ++t) model.threads.push_back(private_steps(t, steps));
  return model;
}

// How many times the running thread changed.
inline int switches(const run_result& result) {
  int count = 0;
  for (std::size_t i = 1; i < result.order.size(); ++i) count += result.order[i] != result.order[i - 1];
  return count;
}

}  // namespace weft_test
