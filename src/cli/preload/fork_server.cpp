// The program's side of the fork server (../protocol.hpp): at main, it forks one controlled run per
// request of the command, so that a run costs a fork instead of an exec, a dynamic link and the
// program's static constructors.
#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "cli/preload/preloaded_main.hpp"
#include "cli/protocol.hpp"
#include "cli/run_start.hpp"
#include "internal/surface.hpp"
#include "platform/threads.hpp"

extern char** environ;

namespace weft::cli {
namespace {

struct run_request {
  std::vector<std::string> arguments;
  std::vector<std::string> settings;  // NAME=VALUE
  std::string output_path;
  std::string directory;
  std::string setup;
  double setup_timeout_s = 60;
  bool null_stdin = true;
  std::vector<int> passed;  // the remote strategy's pipes, received
};

bool send_reply(int socket, server_reply reply) {
  return send(socket, &reply, sizeof reply, MSG_NOSIGNAL) == static_cast<ssize_t>(sizeof reply);
}

int threads_running() {
  DIR* tasks = opendir("/proc/self/task");
  if (tasks == nullptr) return -1;
  int count = 0;
  while (const dirent* entry = readdir(tasks)) {
    if (entry->d_name[0] != '.') ++count;
  }
  closedir(tasks);
  return count;
}

bool read_all(int fd, char* data, std::size_t size) {
  while (size > 0) {
    const ssize_t got = read(fd, data, size);
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) return false;
    data += got;
    size -= static_cast<std::size_t>(got);
  }
  return true;
}

// The next request, whole; false when the command closed its end or sent something malformed (a weft
// bug, said on stderr), either of which ends the server.
bool read_request(int socket, run_request& request) {
  std::uint32_t size = 0;
  iovec header{&size, sizeof size};
  alignas(cmsghdr) char control[CMSG_SPACE(2 * sizeof(int))] = {};
  msghdr message{};
  message.msg_iov = &header;
  message.msg_iovlen = 1;
  message.msg_control = control;
  message.msg_controllen = sizeof control;
  ssize_t got;
  do {
    got = recvmsg(socket, &message, MSG_CMSG_CLOEXEC);
  } while (got < 0 && errno == EINTR);
  if (got <= 0) return false;
  request.passed.clear();
  for (cmsghdr* attached = CMSG_FIRSTHDR(&message); attached != nullptr;
       attached = CMSG_NXTHDR(&message, attached)) {
    if (attached->cmsg_level != SOL_SOCKET || attached->cmsg_type != SCM_RIGHTS) continue;
    const std::size_t count = (attached->cmsg_len - CMSG_LEN(0)) / sizeof(int);
    for (std::size_t i = 0; i < count; ++i) {
      int fd;
      std::memcpy(&fd, CMSG_DATA(attached) + i * sizeof(int), sizeof fd);
      request.passed.push_back(fd);
    }
  }
  if (got < static_cast<ssize_t>(sizeof size) &&
      !read_all(socket, reinterpret_cast<char*>(&size) + got, sizeof size - static_cast<std::size_t>(got)))
    return false;
  if (size > (64u << 20)) {
    std::fprintf(stderr, "weft: a fork server request of %u bytes (a weft bug)\n", size);
    return false;
  }
  std::string words(size, '\0');
  if (!read_all(socket, words.data(), words.size())) return false;

  std::size_t at = 0;
  bool complete = true;
  const auto next = [&]() -> std::string {
    const std::size_t end = words.find('\0', at);
    if (end == std::string::npos) {
      complete = false;
      return "";
    }
    std::string word = words.substr(at, end - at);
    at = end + 1;
    return word;
  };
  const auto count = [&]() -> std::size_t {
    const std::string text = next();
    char* end = nullptr;
    const unsigned long value = std::strtoul(text.c_str(), &end, 10);
    if (text.empty() || *end != '\0' || value > (1u << 20)) complete = false;
    return complete ? value : 0;
  };
  request.arguments.clear();
  for (std::size_t i = count(); complete && i > 0; --i) request.arguments.push_back(next());
  request.settings.clear();
  for (std::size_t i = count(); complete && i > 0; --i) request.settings.push_back(next());
  request.output_path = next();
  request.directory = next();
  request.setup = next();
  request.setup_timeout_s = std::strtod(next().c_str(), nullptr);
  request.null_stdin = next() == "1";
  if (!complete || request.arguments.empty()) {
    std::fprintf(stderr, "weft: a malformed fork server request (a weft bug)\n");
    return false;
  }
  return true;
}

// In the run's process: the program's main under the request's settings, as if executed with them.
[[noreturn]] void run_main(main_function program_main, run_request& request) {
  unsetenv(server_variable);
  for (const std::string& setting : request.settings) {
    const std::size_t equals = setting.find('=');
    std::string name = setting.substr(0, equals);
    std::string value = equals == std::string::npos ? "" : setting.substr(equals + 1);
    if (name == remote_variable && request.passed.size() == 2)
      value = std::to_string(request.passed[0]) + "," + std::to_string(request.passed[1]);
    setenv(name.c_str(), value.c_str(), 1);
  }
  // Owned by the run's process for its whole life, as the kernel's argv would be.
  auto* argv = new char*[request.arguments.size() + 1];
  for (std::size_t i = 0; i < request.arguments.size(); ++i) argv[i] = strdup(request.arguments[i].c_str());
  argv[request.arguments.size()] = nullptr;
  std::exit(
      internal::run_preloaded_main(program_main, static_cast<int>(request.arguments.size()), argv, environ));
}

[[noreturn]] void tell(int report, server_reply reply) {
  [[maybe_unused]] const ssize_t written = write(report, &reply, sizeof reply);
  _exit(0);
}

// In the server's child: what start_program's child does before exec, then the run's fork. Reports the
// run's pid, or what failed, on `report`, and ends, orphaning the run to the command.
[[noreturn]] void start_run(main_function program_main, run_request& request, int report) {
  redirect_run_output(request.output_path, request.null_stdin);
  if (!request.directory.empty() && chdir(request.directory.c_str()) != 0)
    tell(report, {server_reply::enter_directory, errno, 0});
  if (!request.setup.empty()) {
    // The setup runs without weft, as for a program the command executes; the run gets the
    // protocol's variables back from its request.
    forget_protocol_for_children();
    const int status = run_setup_command(request.setup, request.setup_timeout_s);
    if (status != 0) tell(report, {server_reply::setup, status, 0});
  }
  const pid_t run = fork();
  if (run == 0) {
    close(report);
    run_main(program_main, request);
  }
  if (run < 0) tell(report, {server_reply::fork_failed, errno, 0});
  tell(report, {server_reply::started, 0, run});
}

}  // namespace

int serve_runs(main_function program_main) {
  const char* socket_text = std::getenv(server_variable);
  char* end = nullptr;
  const long socket = socket_text != nullptr ? std::strtol(socket_text, &end, 10) : -1;
  if (socket_text == nullptr || *end != '\0' || socket < 0) {
    std::fprintf(stderr, "weft: %s must be a file descriptor; got \"%s\" (a weft bug)\n", server_variable,
                 socket_text != nullptr ? socket_text : "");
    return 4;
  }
  const int server = static_cast<int>(socket);
  // The program's own children (a run execs nothing of it) must not hold the command's connection.
  fcntl(server, F_SETFD, FD_CLOEXEC);
  const int threads = threads_running();
  if (threads != 1) {
    // Forked here, a run would hold only this thread of the others' memory: report, and stay until
    // the command has read their names.
    send_reply(server, {server_reply::unsafe, threads, 0});
    char ignored;
    while (read(server, &ignored, 1) > 0) {
    }
    _exit(0);
  }
  // What the first stack capture of every run would do again: load libunwind and set it up.
  std::uintptr_t warm_up[8];
  (void)platform::capture_current_stack(warm_up, 8, 0);
  if (!send_reply(server, {server_reply::ready, 0, 0})) _exit(0);
  run_request request;
  // The program's static destructors and atexit handlers are for runs: the server ends without them.
  while (read_request(server, request)) {
    int report[2];
    server_reply reply{server_reply::fork_failed, 0, 0};
    if (pipe2(report, O_CLOEXEC) != 0) {
      reply.value = errno;
    } else {
      std::fflush(nullptr);  // nothing the program buffered before main is printed by every run
      const pid_t starter = fork();
      if (starter == 0) {
        close(server);
        close(report[0]);
        start_run(program_main, request, report[1]);
      }
      close(report[1]);
      if (starter < 0) {
        reply.value = errno;
      } else {
        int status = 0;
        while (waitpid(starter, &status, 0) < 0 && errno == EINTR) {
        }
        // Once the starter is reaped, its run has been reparented to the command.
        server_reply told{};
        if (read_all(report[0], reinterpret_cast<char*>(&told), sizeof told)) reply = told;
      }
      close(report[0]);
    }
    for (const int fd : request.passed) close(fd);
    if (!send_reply(server, reply)) break;
  }
  _exit(0);
}

}  // namespace weft::cli
