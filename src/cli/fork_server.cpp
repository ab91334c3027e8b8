#include "cli/fork_server.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <utility>

#include "cli/protocol.hpp"
#include "cli/usage_error.hpp"

namespace weft::cli {
namespace {

// Waits up to `timeout_s` for `fd` to be readable (or closed by its peer); false on time out.
bool readable_within(int fd, double timeout_s) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(timeout_s);
  for (;;) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return false;
    pollfd watched{fd, POLLIN, 0};
    const int ready = poll(&watched, 1, static_cast<int>(std::min<long long>(left.count(), 1000)));
    if (ready > 0) return true;
    if (ready < 0 && errno != EINTR) return true;  // the read that follows reports it
  }
}

// One reply, whole; false when the server closed its end (it ended) or the read failed.
bool read_reply(int fd, server_reply& reply) {
  auto* bytes = reinterpret_cast<char*>(&reply);
  std::size_t done = 0;
  while (done < sizeof reply) {
    const ssize_t got = read(fd, bytes + done, sizeof reply - done);
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) return false;
    done += static_cast<std::size_t>(got);
  }
  return true;
}

bool send_all(int fd, const char* data, std::size_t size) {
  while (size > 0) {
    const ssize_t sent = send(fd, data, size, MSG_NOSIGNAL);
    if (sent < 0 && errno == EINTR) continue;
    if (sent <= 0) return false;
    data += sent;
    size -= static_cast<std::size_t>(sent);
  }
  return true;
}

// "2 (\"main\", \"logger\")": the names of the threads of `pid`, for the message saying why runs
// cannot be forked from it.
std::string thread_names(pid_t pid) {
  std::string names;
  std::error_code ignored;
  for (const auto& task :
       std::filesystem::directory_iterator("/proc/" + std::to_string(pid) + "/task", ignored)) {
    std::ifstream comm(task.path() / "comm");
    std::string name;
    std::getline(comm, name);
    names += (names.empty() ? "\"" : ", \"") + name + "\"";
  }
  return names;
}

std::string how_it_ended(const program_end& end) {
  if (end.exited) return "it exited with " + std::to_string(end.exit_code);
  if (end.signal != 0) return std::string("it was killed by ") + strsignal(end.signal);
  return "it ended";
}

}  // namespace

run_starter::run_starter(std::string who, std::vector<std::string> program, std::string output_path,
                         double timeout_s, bool exec_each_run, bool quiet)
    : who_(std::move(who)),
      program_(std::move(program)),
      output_path_(std::move(output_path)),
      timeout_s_(timeout_s),
      quiet_(quiet),
      tried_(exec_each_run) {}

run_starter::~run_starter() {
  if (server_ > 0) {
    if (socket_ >= 0) close(socket_);
    // The server holds nothing a run needs: its runs are the command's children by now.
    kill(server_, SIGKILL);
    (void)wait_for(server_);
  }
}

void run_starter::prepare(const launch& first) {
  if (!tried_) start_server(first);
}

pid_t run_starter::start(const launch& what) {
  prepare(what);
  if (socket_ >= 0) {
    const pid_t forked = fork_run(what);
    if (forked > 0) return forked;
  }
  return start_program(what);
}

void run_starter::start_server(const launch& first) {
  tried_ = true;
  // A run is forked by a child of the server that ends at once, so the run is orphaned; this makes
  // the command its new parent, which waits for it like for a program it started.
  if (prctl(PR_SET_CHILD_SUBREAPER, 1) != 0) {
    give_up_forking(std::string("the command cannot adopt forked runs (prctl: ") + std::strerror(errno) +
                    ")");
    return;
  }
  int ends[2];
  if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, ends) != 0)
    throw tool_error(std::string("weft: socketpair: ") + std::strerror(errno));
  fcntl(ends[1], F_SETFD, 0);  // the server's end survives its exec
  launch server;
  server.command = program_;
  server.null_stdin = true;
  server.output_path = output_path_;
  server.settings = {{mode_variable, "serve"}, {server_variable, std::to_string(ends[1])}};
  // What a run's environment holds besides the protocol (WEFT_IGNORE) is also the server's, so that
  // the program's static constructors see what they would see executed for a run.
  for (const auto& setting : first.settings) {
    if (!setting.first.starts_with("WEFT_CLI_")) server.settings.push_back(setting);
  }
  try {
    server_ = start_program(server);
  } catch (...) {
    close(ends[0]);
    close(ends[1]);
    throw;
  }
  close(ends[1]);
  socket_ = ends[0];
  server_reply hello{};
  if (!readable_within(socket_, timeout_s_)) {
    char seconds[32];
    std::snprintf(seconds, sizeof seconds, "%g", timeout_s_);
    give_up_forking(std::string("its main was not reached within ") + seconds + " s");
    return;
  }
  if (!read_reply(socket_, hello)) {
    const program_end end = wait_for(server_);
    server_ = -1;
    give_up_forking("it never reached main under weft's preload library (" + how_it_ended(end) +
                    "; a statically linked program cannot be preloaded)");
    return;
  }
  if (hello.stage == server_reply::unsafe) {
    give_up_forking(std::to_string(hello.value) + " threads were running when its main began (" +
                    thread_names(server_) + "), and a process forked there would have only one");
    return;
  }
  if (hello.stage != server_reply::ready)
    give_up_forking("its fork server said something unexpected (a weft bug)");
}

void run_starter::give_up_forking(const std::string& why) {
  if (!quiet_) {
    std::fprintf(stderr, "%s: runs of %s are not forked at main: %s; each run starts the program anew\n",
                 who_.c_str(), program_.front().c_str(), why.c_str());
  }
  if (socket_ >= 0) close(socket_);
  socket_ = -1;
  if (server_ > 0) {
    kill(server_, SIGKILL);
    (void)wait_for(server_);
    server_ = -1;
  }
}

pid_t run_starter::fork_run(const launch& what) {
  std::string words;
  const auto add = [&](const std::string& word) { words.append(word).push_back('\0'); };
  add(std::to_string(what.command.size()));
  for (const std::string& argument : what.command) add(argument);
  add(std::to_string(what.settings.size()));
  std::vector<int> passed;
  for (const auto& [name, value] : what.settings) {
    add(name + "=" + value);
    int requests = -1;
    int replies = -1;
    if (name == remote_variable && std::sscanf(value.c_str(), "%d,%d", &requests, &replies) == 2)
      passed = {requests, replies};
  }
  add(what.output_path);
  add(what.working_directory);
  add(what.setup_command);
  char timeout[32];
  std::snprintf(timeout, sizeof timeout, "%g", what.setup_timeout_s);
  add(timeout);
  add(what.null_stdin ? "1" : "0");

  const std::uint32_t size = static_cast<std::uint32_t>(words.size());
  iovec header{const_cast<std::uint32_t*>(&size), sizeof size};
  msghdr message{};
  message.msg_iov = &header;
  message.msg_iovlen = 1;
  alignas(cmsghdr) char control[CMSG_SPACE(2 * sizeof(int))] = {};
  if (!passed.empty()) {
    message.msg_control = control;
    message.msg_controllen = CMSG_SPACE(passed.size() * sizeof(int));
    cmsghdr* attached = CMSG_FIRSTHDR(&message);
    attached->cmsg_level = SOL_SOCKET;
    attached->cmsg_type = SCM_RIGHTS;
    attached->cmsg_len = CMSG_LEN(passed.size() * sizeof(int));
    std::memcpy(CMSG_DATA(attached), passed.data(), passed.size() * sizeof(int));
  }
  ssize_t sent;
  do {
    sent = sendmsg(socket_, &message, MSG_NOSIGNAL);
  } while (sent < 0 && errno == EINTR);
  server_reply reply{};
  // The server answers once the run's setup is done, which --timeout-per-run bounds too.
  const bool answered =
      sent == static_cast<ssize_t>(sizeof size) && send_all(socket_, words.data(), words.size()) &&
      readable_within(socket_, what.setup_timeout_s + timeout_s_ + 10) && read_reply(socket_, reply);
  if (!answered) {
    give_up_forking("its fork server stopped answering");
    return -1;
  }
  switch (reply.stage) {
    case server_reply::started:
      return reply.pid;
    case server_reply::enter_directory:
      throw_start_failure(what, start_stage::enter_directory, reply.value);
    case server_reply::setup:
      throw_start_failure(what, start_stage::setup, reply.value);
    case server_reply::fork_failed:
      throw_start_failure(what, start_stage::fork, reply.value);
    default:
      give_up_forking("its fork server said something unexpected (a weft bug)");
      return -1;
  }
}

}  // namespace weft::cli
