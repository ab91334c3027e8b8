#include "cli/choice_server.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

#include "cli/protocol.hpp"
#include "cli/usage_error.hpp"

namespace weft::cli {
namespace {

class pipe_pair {
 public:
  pipe_pair() {
    if (pipe2(fds_, O_CLOEXEC) != 0) throw tool_error(std::string("weft: pipe: ") + std::strerror(errno));
  }
  ~pipe_pair() {
    for (int& fd : fds_) close_end(fd);
  }
  pipe_pair(const pipe_pair&) = delete;
  pipe_pair& operator=(const pipe_pair&) = delete;
  int& read_end() { return fds_[0]; }
  int& write_end() { return fds_[1]; }
  static void close_end(int& fd) {
    if (fd >= 0) close(fd);
    fd = -1;
  }

 private:
  int fds_[2] = {-1, -1};
};

// Reads exactly `size` bytes; false on end of file or error.
bool read_all(int fd, void* data, std::size_t size) {
  auto* bytes = static_cast<char*>(data);
  std::size_t done = 0;
  while (done < size) {
    const ssize_t got = read(fd, bytes + done, size - done);
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) return false;
    done += static_cast<std::size_t>(got);
  }
  return true;
}

}  // namespace

served_run run_with_remote_choices(run_starter& starter, launch what, sched::strategy& chooser,
                                   std::chrono::steady_clock::time_point deadline) {
  starter.prepare(what);  // before the pipes, whose program ends only the run may hold
  pipe_pair requests, replies;
  // The program's ends survive its exec (a forked run receives them through the server's socket); the
  // preload marks them close-on-exec again for the program's children.
  fcntl(requests.write_end(), F_SETFD, 0);
  fcntl(replies.read_end(), F_SETFD, 0);
  what.settings.emplace_back(remote_variable,
                             std::to_string(requests.write_end()) + "," + std::to_string(replies.read_end()));
  const pid_t child = starter.start(what);
  pipe_pair::close_end(requests.write_end());
  pipe_pair::close_end(replies.read_end());

  served_run served;
  bool ended = false;
  std::vector<sched::candidate> candidates;
  std::vector<std::uint8_t> waits;
  for (;;) {
    pollfd watched{requests.read_end(), POLLIN, 0};
    const int ready = poll(&watched, 1, 10);
    if (ready < 0 && errno != EINTR) break;
    if (!served.timed_out && std::chrono::steady_clock::now() >= deadline) {
      served.timed_out = true;
      kill(child, SIGKILL);
    }
    if (ready <= 0) continue;
    remote_request request{};
    if (!read_all(requests.read_end(), &request, sizeof request)) break;  // the program is gone
    if (request.tag == 'e') {
      chooser.end_run(request.steps);
      ended = true;
      continue;
    }
    // The strategy sees the same shape the program's run saw: how many could run, which was current
    // and which wait for progress.
    if (request.candidates > (1u << 20)) break;  // not a run's thread count: the program is broken
    waits.resize(request.candidates);
    if (!read_all(requests.read_end(), waits.data(), waits.size())) break;
    candidates.clear();
    for (std::uint32_t i = 0; i < request.candidates; ++i) candidates.push_back({i, {}, waits[i] != 0});
    std::uint32_t chosen =
        request.candidates < 2 ? 0 : static_cast<std::uint32_t>(chooser.choose(candidates, request.current));
    if (write(replies.write_end(), &chosen, sizeof chosen) != sizeof chosen) break;
  }
  if (!ended) chooser.end_run(0);
  served.end = wait_for(child);
  return served;
}

}  // namespace weft::cli
