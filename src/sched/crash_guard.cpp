#include "sched/crash_guard.hpp"

#include <signal.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <cstring>
#include <string>

#include "sched/managed_thread.hpp"
#include "sched/schedule_codec.hpp"
#include "sched/schedule_file.hpp"

namespace weft::sched {
namespace {

constexpr std::array fatal_signals{SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT};

std::atomic<const recording_strategy*> guarded_recorder{nullptr};
std::atomic<const std::atomic<std::size_t>*> guarded_run{nullptr};
std::array<struct sigaction, fatal_signals.size()> previous{};
std::atomic<bool> reported{false};
std::atomic<int> extra_fd{-1};
std::atomic<bool> schedule_on_stderr{true};

std::size_t index_of(int signal) {
  for (std::size_t i = 0; i < fatal_signals.size(); ++i) {
    if (fatal_signals[i] == signal) return i;
  }
  return 0;
}

void on_fatal_signal(int signal, siginfo_t*, void*) {
  const recording_strategy* recorder = guarded_recorder.load();
  const std::atomic<std::size_t>* run = guarded_run.load();
  // weft's own work from here on: the copies and allocations below must not become scheduling points
  // of the run that crashed (a replay would find decisions nobody recorded, and wait for a model lock
  // the crashed thread may hold).
  const inside_weft internal;
  if (recorder != nullptr && run != nullptr && !reported.exchange(true)) {
    // Encoding allocates, which a crash inside malloc could turn into a deadlock: the alarm bounds it,
    // and the process dies of SIGALRM instead of hanging.
    alarm(2);
    schedule recorded = recorder->recorded();
    recorded.outcome = "signal";
    const std::string replay =
        printable_schedule(encode(recorded), "",
                           std::string("a schedule that died of ") + strsignal(signal) +
                               "\nreplay it with WEFT_REPLAY=@<this file>");
    const std::string what =
        std::string("\nweft: ") + strsignal(signal) + " during schedule " + std::to_string(run->load()) + ".";
    const std::string line = what + " Reproduce: WEFT_REPLAY=" + replay + "\n";
    const std::string shown = schedule_on_stderr.load() ? line : what + "\n";
    [[maybe_unused]] ssize_t written = write(STDERR_FILENO, shown.data(), shown.size());
    if (const int fd = extra_fd.load(); fd >= 0) written = write(fd, line.data(), line.size());
    alarm(0);
  }
  // Die as the program would have: with the handler it had before weft.
  sigaction(signal, &previous[index_of(signal)], nullptr);
  raise(signal);
}

}  // namespace

crash_guard::crash_guard(const recording_strategy& recorder, const std::atomic<std::size_t>& run_number) {
  guarded_recorder.store(&recorder);
  guarded_run.store(&run_number);
  reported.store(false);
  struct sigaction action {};
  action.sa_sigaction = on_fatal_signal;
  action.sa_flags = SA_SIGINFO | SA_NODEFER;
  sigemptyset(&action.sa_mask);
  for (std::size_t i = 0; i < fatal_signals.size(); ++i) sigaction(fatal_signals[i], &action, &previous[i]);
}

void crash_guard::also_report_to(int fd) {
  extra_fd.store(fd);
  schedule_on_stderr.store(true);
}

void crash_guard::report_schedule_only_to(int fd) {
  extra_fd.store(fd);
  schedule_on_stderr.store(false);
}

crash_guard::~crash_guard() {
  for (std::size_t i = 0; i < fatal_signals.size(); ++i) sigaction(fatal_signals[i], &previous[i], nullptr);
  guarded_recorder.store(nullptr);
  guarded_run.store(nullptr);
}

}  // namespace weft::sched
