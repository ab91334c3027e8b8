// What a run's process does before the program's main: the same for a program the command executes
// (child_process.cpp) and for a run the fork server forks at main (preload/fork_server.cpp), so
// that a run's stdio, directory and setup cannot differ between the two. Header-only: the command and
// libweft are linked apart, and both call these in a freshly forked process.
#pragma once

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <string>

namespace weft::cli {

// stdin from /dev/null when asked (parallel runs must not compete for the terminal); stdout and
// stderr to `output_path` when it is not empty.
inline void redirect_run_output(const std::string& output_path, bool null_stdin) {
  if (null_stdin) {
    const int null = open("/dev/null", O_RDONLY | O_CLOEXEC);
    if (null >= 0) {
      dup2(null, STDIN_FILENO);
      close(null);
    }
  }
  if (!output_path.empty()) {
    const int out = open(output_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (out >= 0) {
      dup2(out, STDOUT_FILENO);
      dup2(out, STDERR_FILENO);
      close(out);
    }
  }
}

// Runs `/bin/sh -c setup_command` in the current directory and returns its wait status (0: it
// succeeded). The alarm outlives exec: a setup that hangs is ended by SIGALRM after `timeout_s`, not
// waited for forever.
inline int run_setup_command(const std::string& setup_command, double timeout_s) {
  const pid_t shell = fork();
  if (shell == 0) {
    alarm(static_cast<unsigned>(std::max(1.0, std::ceil(timeout_s))));
    execl("/bin/sh", "sh", "-c", setup_command.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  if (shell < 0) return 127 << 8;
  int status = 0;
  while (waitpid(shell, &status, 0) < 0) {
    if (errno != EINTR) return 127 << 8;
  }
  return status;
}

}  // namespace weft::cli
