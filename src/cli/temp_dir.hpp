// A private directory for the result and output files of runs, removed with everything in it.
#pragma once

#include <string>

namespace weft::cli {

class temp_dir {
 public:
  // Under $TMPDIR or /tmp; throws tool_error when it cannot be made.
  temp_dir();
  ~temp_dir();
  temp_dir(const temp_dir&) = delete;
  temp_dir& operator=(const temp_dir&) = delete;
  [[nodiscard]] std::string file(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

// --fresh-dir: a new empty directory for one run, "weft-run-XXXXXX" under $TMPDIR or /tmp, which the
// caller removes (or keeps, for a failed run). Throws tool_error when it cannot be made.
[[nodiscard]] std::string make_fresh_directory();

}  // namespace weft::cli
