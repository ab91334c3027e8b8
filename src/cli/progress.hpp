// How explore and test show that they are working: a live bar on a terminal, a plain line every few
// seconds otherwise (CI logs), nothing with --quiet. Explore counts runs; test counts tests, and the
// schedules of all its tests besides.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>

namespace weft::cli {

class progress {
 public:
  enum class style { bar, lines, none };
  // `planned` things to do, each one `unit` ("runs", "tests"); lines start with `command`.
  progress(style shown, std::size_t planned, std::string command = "weft explore", std::string unit = "runs");
  // Called often; redraws at most every 100 ms (bar) or 5 s (lines). `schedules` is the runs so far
  // when the unit is not a run.
  void update(std::size_t done, std::size_t failures, std::size_t schedules = SIZE_MAX);
  // A line of its own (a test that finished), printed over the bar, which the next update redraws.
  void print_line(const std::string& line);
  [[nodiscard]] bool shows_bar() const { return style_ == style::bar; }
  // Clears the bar so that a report can be printed on a clean line.
  void clear();
  [[nodiscard]] double schedules_per_second(std::size_t done) const;
  [[nodiscard]] double elapsed_seconds() const;

 private:
  void draw(std::size_t done, std::size_t failures, std::size_t schedules);

  style style_;
  std::size_t planned_;
  std::string command_;
  std::string unit_;
  std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now();
  std::chrono::steady_clock::time_point last_drawn_{};
  bool drawn_ = false;
};

}  // namespace weft::cli
