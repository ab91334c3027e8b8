#include "cli/preload/remote_strategy.hpp"

#include <unistd.h>

#include <cerrno>
#include <vector>

#include "cli/protocol.hpp"

namespace weft::cli {
namespace {

bool transfer(int fd, void* data, std::size_t size, bool writing) {
  auto* bytes = static_cast<char*>(data);
  std::size_t done = 0;
  while (done < size) {
    const ssize_t moved =
        writing ? write(fd, bytes + done, size - done) : read(fd, bytes + done, size - done);
    if (moved < 0 && errno == EINTR) continue;
    if (moved <= 0) return false;
    done += static_cast<std::size_t>(moved);
  }
  return true;
}

}  // namespace

std::size_t remote_strategy::choose(std::span<const sched::candidate> candidates, sched::thread_id current) {
  remote_request request{};
  request.tag = 'c';
  request.candidates = static_cast<std::uint32_t>(candidates.size());
  request.current = request.candidates;
  for (std::size_t i = 0; i < candidates.size(); ++i) {
    if (candidates[i].thread == current) request.current = static_cast<std::uint32_t>(i);
  }
  std::vector<std::uint8_t> waits;
  for (const sched::candidate& c : candidates) waits.push_back(c.waits_for_progress ? 1 : 0);
  std::uint32_t chosen = 0;
  if (!transfer(requests_, &request, sizeof request, true) ||
      !transfer(requests_, waits.data(), waits.size(), true) ||
      !transfer(replies_, &chosen, sizeof chosen, false))
    return sched::eligible_index(candidates, 0);
  return chosen < candidates.size() ? chosen : sched::eligible_index(candidates, 0);
}

void remote_strategy::end_run(std::size_t steps) {
  remote_request request{};
  request.tag = 'e';
  request.steps = steps;
  (void)transfer(requests_, &request, sizeof request, true);
}

}  // namespace weft::cli
