// How explore shows that it is working: a live bar on a terminal, a plain line every few seconds
// otherwise (CI logs), nothing with --quiet.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdio>

namespace weft::cli {

class progress {
 public:
  enum class style { bar, lines, none };
  progress(style shown, std::size_t planned);
  // Called often; redraws at most every 100 ms (bar) or 5 s (lines).
  void update(std::size_t done, std::size_t failures);
  // Clears the bar so that a report can be printed on a clean line.
  void clear();
  [[nodiscard]] double schedules_per_second(std::size_t done) const;
  [[nodiscard]] double elapsed_seconds() const;

 private:
  void draw(std::size_t done, std::size_t failures);

  style style_;
  std::size_t planned_;
  std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now();
  std::chrono::steady_clock::time_point last_drawn_{};
  bool drawn_ = false;
};

}  // namespace weft::cli
