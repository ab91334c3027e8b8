#include "cli/child_process.hpp"

#include <dlfcn.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>

#include "cli/asan_runtime.hpp"
#include "cli/protocol.hpp"
#include "cli/run_start.hpp"
#include "cli/usage_error.hpp"
#include "internal/surface.hpp"
#include "sched/schedule_codec.hpp"

extern char** environ;

namespace weft::cli {
namespace {

bool is_file(const std::string& path) {
  struct stat info;
  return stat(path.c_str(), &info) == 0 && S_ISREG(info.st_mode);
}

// libweft.so is the library this command is linked with; libweft_preload.so is installed beside it
// (both in <prefix>/lib, both in the build's src/ directory).
std::pair<std::string, std::string> preload_libraries() {
  Dl_info info{};
  // A function of the internal surface: only libweft.so defines it for the command, which links the
  // hidden rooms it needs into itself.
  if (dladdr(reinterpret_cast<const void*>(&internal::run_preloaded_main), &info) == 0 ||
      info.dli_fname == nullptr)
    throw tool_error("weft: cannot tell where libweft.so was loaded from (dladdr failed)");
  const std::string libweft = info.dli_fname;
  if (const char* chosen = std::getenv("WEFT_PRELOAD_LIBRARY"); chosen != nullptr && *chosen != '\0') {
    if (!is_file(chosen))
      throw tool_error(std::string("weft: WEFT_PRELOAD_LIBRARY names no file: ") + chosen);
    return {libweft, chosen};
  }
  const std::string directory = libweft.substr(0, libweft.rfind('/') + 1);
  const std::string preload = directory + "libweft_preload.so";
  if (!is_file(preload)) {
    throw tool_error("weft: cannot find libweft_preload.so beside " + libweft +
                     "; reinstall weft or set WEFT_PRELOAD_LIBRARY to its path");
  }
  return {libweft, preload};
}

std::string last_bytes(const std::string& path, std::size_t count) {
  std::ifstream in(path);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  return text.size() > count ? text.substr(text.size() - count) : text;
}

bool starts_with(const char* text, std::string_view prefix) {
  return std::strncmp(text, prefix.data(), prefix.size()) == 0;
}

}  // namespace

std::string preload_value() {
  const auto [libweft, preload] = preload_libraries();
  std::string value = libweft + ":" + preload;
  if (const char* existing = std::getenv("LD_PRELOAD"); existing != nullptr && *existing != '\0') {
    value += std::string(":") + existing;
  }
  return value;
}

void throw_start_failure(const launch& what, start_stage stage, int value) {
  if (stage == start_stage::enter_directory) {
    throw usage_error("cannot enter the run's directory " + what.working_directory + ": " +
                      std::strerror(value));
  }
  if (stage == start_stage::setup) {
    const program_end setup_end = end_of(value);
    throw usage_error(
        "the --setup command \"" + what.setup_command + "\" failed (" +
        (setup_end.exited ? "exit code " + std::to_string(setup_end.exit_code)
                          : std::string("killed by ") + strsignal(setup_end.signal)) +
        ")" + (what.working_directory.empty() ? "" : " in " + what.working_directory) +
        (what.output_path.empty() ? "" : "; its output:\n" + last_bytes(what.output_path, 2000)));
  }
  if (stage == start_stage::fork) throw tool_error(std::string("weft: fork: ") + std::strerror(value));
  throw usage_error("cannot run \"" + what.command.front() + "\": " + std::strerror(value));
}

pid_t start_program(const launch& what) {
  std::vector<std::string> environment;
  for (char** entry = environ; *entry != nullptr; ++entry) {
    if (starts_with(*entry, "WEFT_CLI_") || starts_with(*entry, "LD_PRELOAD=")) continue;
    if (starts_with(*entry, "ASAN_OPTIONS=")) continue;
    // A setting replaces the variable of the same name (WEFT_IGNORE with the --ignore rules added).
    if (std::any_of(what.settings.begin(), what.settings.end(),
                    [&](const auto& setting) { return starts_with(*entry, setting.first + "="); }))
      continue;
    environment.emplace_back(*entry);
  }
  // A program built with -fsanitize=address gets its ASan runtime first, as ASan insists: its
  // interceptors then come before weft's interposers, and reach them as the next definition, the way
  // they reach libc's in a run without weft.
  const std::string asan_runtime = asan_runtime_needed_by(what.command.front(), what.working_directory);
  environment.push_back("LD_PRELOAD=" + (asan_runtime.empty() ? "" : asan_runtime + ":") + preload_value());
  if (!asan_runtime.empty()) environment.push_back(std::string(asan_preload_variable) + "=" + asan_runtime);
  // A sanitized weft (-DWEFT_SANITIZE=ON) preloads sanitized libraries ahead of the program's own
  // libasan, which ASan refuses by default; the order is harmless here.
  std::string asan_options = std::getenv("ASAN_OPTIONS") != nullptr ? std::getenv("ASAN_OPTIONS") : "";
  if (asan_runtime.empty() && dlsym(RTLD_DEFAULT, "__asan_init") != nullptr) {
    asan_options += std::string(asan_options.empty() ? "" : ":") + "verify_asan_link_order=0";
  }
  if (!asan_options.empty()) environment.push_back("ASAN_OPTIONS=" + asan_options);
  for (const auto& [name, value] : what.settings) environment.push_back(name + "=" + value);

  std::vector<char*> argv;
  for (const std::string& word : what.command) argv.push_back(const_cast<char*>(word.c_str()));
  argv.push_back(nullptr);
  std::vector<char*> envp;
  for (std::string& entry : environment) envp.push_back(entry.data());
  envp.push_back(nullptr);

  // The child reports what kept the program from starting through this pipe (a stage and its errno or
  // wait status); a successful exec closes it.
  struct start_failure {
    start_stage stage;
    int value;
  };
  int exec_error[2];
  if (pipe2(exec_error, O_CLOEXEC) != 0) throw tool_error(std::string("weft: pipe: ") + std::strerror(errno));
  const pid_t child = fork();
  if (child < 0) {
    close(exec_error[0]);
    close(exec_error[1]);
    throw tool_error(std::string("weft: fork: ") + std::strerror(errno));
  }
  if (child == 0) {
    close(exec_error[0]);
    const auto fail = [&](start_stage stage, int value) {
      const start_failure failure{stage, value};
      [[maybe_unused]] const ssize_t written = write(exec_error[1], &failure, sizeof failure);
      _exit(127);
    };
    // The command waits for SIGCHLD with the signal blocked (child_events.hpp); the program must not
    // start with it blocked.
    sigset_t child_signal;
    sigemptyset(&child_signal);
    sigaddset(&child_signal, SIGCHLD);
    sigprocmask(SIG_UNBLOCK, &child_signal, nullptr);
    redirect_run_output(what.output_path, what.null_stdin);
    if (!what.working_directory.empty() && chdir(what.working_directory.c_str()) != 0)
      fail(start_stage::enter_directory, errno);
    if (!what.setup_command.empty()) {
      const int status = run_setup_command(what.setup_command, what.setup_timeout_s);
      if (status != 0) fail(start_stage::setup, status);
    }
    // execvpe: the program is looked up in PATH like a shell would.
    execvpe(argv[0], argv.data(), envp.data());
    fail(start_stage::exec, errno);
  }
  close(exec_error[1]);
  start_failure failure{};
  ssize_t got;
  do {
    got = read(exec_error[0], &failure, sizeof failure);
  } while (got < 0 && errno == EINTR);
  close(exec_error[0]);
  if (got == sizeof failure) {
    (void)wait_for(child);
    throw_start_failure(what, failure.stage, failure.value);
  }
  return child;
}

program_end end_of(int status) {
  program_end end;
  if (WIFEXITED(status)) {
    end.exited = true;
    end.exit_code = WEXITSTATUS(status);
  } else if (WIFSIGNALED(status)) {
    end.signal = WTERMSIG(status);
  }
  return end;
}

program_end wait_for(pid_t pid) {
  int status = 0;
  while (waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) return {};
  }
  return end_of(status);
}

std::string shell_quote(const std::string& text) {
  if (!text.empty() && text.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
                                              "_-+=./:,@%") == std::string::npos) {
    return text;
  }
  std::string quoted = "'";
  for (const char c : text) {
    if (c == '\'') {
      quoted += "'\\''";
    } else {
      quoted += c;
    }
  }
  return quoted + "'";
}

std::string shell_command(const std::vector<std::string>& words) {
  std::string command;
  for (const std::string& word : words) {
    if (!command.empty()) command += ' ';
    command += shell_quote(word);
  }
  return command;
}

}  // namespace weft::cli
