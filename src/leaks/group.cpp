#include "leaks/group.hpp"

#include <algorithm>
#include <map>
#include <tuple>

namespace weft::leaks {
namespace {

std::vector<std::uintptr_t> pcs_of(const stack_trace& stack) {
  std::vector<std::uintptr_t> pcs;
  pcs.reserve(stack.frames.size());
  for (const stack_frame& frame : stack.frames) pcs.push_back(frame.pc);
  return pcs;
}

using group_key = std::tuple<int, std::string, std::vector<std::uintptr_t>, std::string, std::string,
                             std::vector<std::uintptr_t>>;

group_key key_of(const thread_info& thread) {
  return {static_cast<int>(thread.created.how), thread.created.test,
          pcs_of(thread.created.stack),         thread.state,
          thread.stack.unavailable_reason,      pcs_of(thread.stack)};
}

}  // namespace

std::vector<leak_group> group_alike(std::vector<thread_info> threads) {
  std::sort(threads.begin(), threads.end(),
            [](const thread_info& a, const thread_info& b) { return a.id.tid < b.id.tid; });
  std::vector<leak_group> groups;
  std::map<group_key, std::size_t> index_of;
  for (thread_info& thread : threads) {
    auto [where, inserted] = index_of.try_emplace(key_of(thread), groups.size());
    if (inserted) groups.emplace_back();
    groups[where->second].threads.push_back(std::move(thread));
  }
  return groups;
}

}  // namespace weft::leaks
