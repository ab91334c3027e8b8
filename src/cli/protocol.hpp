// The private protocol between the weft command and libweft_preload.so in the program it starts:
// environment variables the command sets, and the result file the program writes back. Both sides
// include this file; nothing else does. See docs/cli.md, "How it works".
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace weft::cli {

// What the preloaded library does with the program's main: "run" (run it, then check for leaked
// threads as weft::verify_main does), "controlled" (run it as the test function of one controlled
// run) or "serve" (the fork server below: fork one controlled run per request, from main). Unset: the
// library only interposes, as a linked libweft would.
inline constexpr const char* mode_variable = "WEFT_CLI_MODE";
inline constexpr const char* result_variable = "WEFT_CLI_RESULT";      // path of the result file
inline constexpr const char* strategy_variable = "WEFT_CLI_STRATEGY";  // controlled: strategy name
inline constexpr const char* seed_variable = "WEFT_CLI_SEED";          // controlled: the exploration's seed
inline constexpr const char* depth_variable = "WEFT_CLI_DEPTH";        // controlled: pct's bug depth
inline constexpr const char* run_variable = "WEFT_CLI_RUN";            // controlled: the run's index
// controlled: replay the schedule in this file (a schedule file, as sched/schedule_file.hpp reads). A
// file, never the string itself: a long run's schedule can pass the kernel's 128 KiB limit for one
// environment string.
inline constexpr const char* replay_variable = "WEFT_CLI_REPLAY_FILE";
inline constexpr const char* trace_variable = "WEFT_CLI_TRACE";  // controlled: write a trace here
inline constexpr const char* hard_timeout_variable = "WEFT_CLI_HARD_TIMEOUT_MS";
inline constexpr const char* races_variable = "WEFT_CLI_RACES";          // controlled: fail, report or off
inline constexpr const char* max_steps_variable = "WEFT_CLI_MAX_STEPS";  // controlled: the livelock bound
inline constexpr const char* settle_variable = "WEFT_CLI_SETTLE_MS";  // run: the leak check's settle timeout
// controlled, strategy "remote": "<request fd>,<reply fd>"; the command chooses (dfs, whose search
// state must outlive one process). Each request is a remote_request; each choose request gets one
// std::uint32_t reply, the chosen index.
inline constexpr const char* remote_variable = "WEFT_CLI_REMOTE_FDS";
// The ASan runtime the command put first in LD_PRELOAD for a program built with -fsanitize=address;
// the preload takes it out again for the program's children, with weft's own libraries.
inline constexpr const char* asan_preload_variable = "WEFT_CLI_ASAN_PRELOAD";

// serve: the file descriptor of the server's end of a stream socket to the command.
inline constexpr const char* server_variable = "WEFT_CLI_SERVER_FD";

// The fork server. At main, the program sends one server_reply: `ready`, or `unsafe` with `value` the
// number of threads already running (forking then would leave them out of every run; the command
// starts each run anew instead). Then, per run, the command sends a run_request: a std::uint32_t
// byte count, with up to two file descriptors attached (SCM_RIGHTS; the remote strategy's pipes,
// whose numbers in the run replace those of the remote variable) followed by that many bytes of
// NUL-terminated words: the argument count, the arguments, the settings count, each setting as
// NAME=VALUE, the output path, the working directory, the setup command, the setup timeout in
// seconds, and "1" or "0" for a null stdin. The server forks a child that enters the directory, runs
// the setup and forks the run itself, then ends: the run is reparented to the command, which is a
// child subreaper, and waits for it like a program it started. The server replies once the child
// ended: `started` with the run's pid, or the stage that failed with its errno or wait status. The
// server exits when the command closes its end.
struct server_reply {
  enum stage_kind : std::int32_t { ready, unsafe, started, enter_directory, setup, fork_failed } stage;
  std::int32_t
      value;  // unsafe: threads running at main; enter_directory, fork_failed: errno; setup: wait status
  std::int32_t pid;  // started
};

// A 'c' request is followed by `candidates` bytes: 1 for a candidate that waits for progress (it
// yielded), else 0.
struct remote_request {
  char tag;                  // 'c': choose among `candidates`; 'e': the run ended after `steps` points
  std::uint32_t candidates;  // 'c'
  std::uint32_t current;     // 'c': index of the current thread among them; == candidates when it cannot run
  std::uint64_t steps;       // 'e'
};

// The result file: a child run's report (sched/child_run.hpp), the same text a fork()ed run of
// weft::explore writes. Keys: kind (a word of sched/outcome_words.hpp, or exit_during_run when the
// program called exit() while its run was in progress), exit (main's return value), steps,
// uncontrolled, threads (how many the run had), futex (1 when one of them made a futex call),
// diverged, divergence, replay, checked (run mode: the leak check ran), leaked; and, races reported,
// one race line per data race. AddressSanitizer's error in a controlled run writes kind memory-error,
// the replay as far as the run got, and a report that ends with ASan's own.

}  // namespace weft::cli
