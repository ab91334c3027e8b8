// Starting the runs of one program: forked from the program itself once it reached main (the fork
// server of protocol.hpp), or executed anew for every run. Forking skips what every run would
// otherwise repeat: loading and relocating the program and its libraries, and its static
// constructors (a GoogleTest binary registers every test in them).
#pragma once

#include <sys/types.h>

#include <chrono>
#include <string>
#include <vector>

#include "cli/child_process.hpp"

namespace weft::cli {

class run_starter {
 public:
  // Runs of `program` (the program and the arguments it starts with; each launch gives a run's own).
  // `who` prefixes what the starter says ("weft explore"); `output_path` takes what the program prints
  // before main, as the server; `timeout_s` bounds the wait for main. With `exec_each_run`, or
  // `quiet` false and no fork server possible, every run is a new process (start_program).
  run_starter(std::string who, std::vector<std::string> program, std::string output_path, double timeout_s,
              bool exec_each_run, bool quiet);
  ~run_starter();
  run_starter(const run_starter&) = delete;
  run_starter& operator=(const run_starter&) = delete;

  // start_program's contract: returns the pid of the running program, a child of this process (a
  // forked run is reparented here, the command being a child subreaper), or throws usage_error or
  // tool_error naming what kept it from starting. The first call starts the server; when it cannot
  // serve (threads before main, a program that never reaches main under the preload), the starter
  // says why once and executes each run from then on.
  [[nodiscard]] pid_t start(const launch& what);

  // Starts the server now, if start has not, for runs like `first`: a caller about to open
  // descriptors for the next run's program alone calls it first, or the server would hold them too.
  void prepare(const launch& first);

  // True while runs are forked from the server; false before the first run and once executing.
  [[nodiscard]] bool forking() const { return socket_ >= 0; }

 private:
  void start_server(const launch& first);
  void give_up_forking(const std::string& why);
  [[nodiscard]] pid_t fork_run(const launch& what);

  std::string who_;
  std::vector<std::string> program_;
  std::string output_path_;
  double timeout_s_;
  bool quiet_;
  bool tried_ = false;  // the server was started, or exec_each_run was asked for
  int socket_ = -1;     // the command's end, while the server serves
  pid_t server_ = -1;
};

}  // namespace weft::cli
