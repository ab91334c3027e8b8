#include "cli/progress.hpp"

#include <cstdint>
#include <string>
#include <utility>

namespace weft::cli {

using namespace std::chrono_literals;

progress::progress(style shown, std::size_t planned, std::string command, std::string unit)
    : style_(shown), planned_(planned), command_(std::move(command)), unit_(std::move(unit)) {}

double progress::elapsed_seconds() const {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
}

double progress::schedules_per_second(std::size_t done) const {
  const double elapsed = elapsed_seconds();
  return elapsed > 0 ? static_cast<double>(done) / elapsed : 0.0;
}

void progress::update(std::size_t done, std::size_t failures, std::size_t schedules) {
  if (style_ == style::none) return;
  const auto now = std::chrono::steady_clock::now();
  const auto period = style_ == style::bar ? 100ms : 5s;
  if (drawn_ && now - last_drawn_ < period) return;
  if (style_ == style::lines && !drawn_ && now - started_ < period) return;
  last_drawn_ = now;
  drawn_ = true;
  draw(done, failures, schedules == SIZE_MAX ? done : schedules);
}

void progress::print_line(const std::string& line) {
  if (style_ == style::bar && drawn_) std::fputs("\r\033[K", stderr);
  std::fprintf(stderr, "%s\n", line.c_str());
  drawn_ = false;
}

void progress::draw(std::size_t done, std::size_t failures, std::size_t schedules) {
  const double rate = schedules_per_second(schedules);
  const double elapsed = elapsed_seconds();
  char eta[32] = "?";
  if (done > 0 && done <= planned_) {
    std::snprintf(eta, sizeof eta, "%.0f s",
                  elapsed * static_cast<double>(planned_ - done) / static_cast<double>(done));
  }
  char numbers[200];
  if (unit_ == "runs") {
    std::snprintf(numbers, sizeof numbers, "%zu/%zu runs, %.1f schedules/s, %zu failure%s, ETA %s", done,
                  planned_, rate, failures, failures == 1 ? "" : "s", eta);
  } else {
    std::snprintf(numbers, sizeof numbers, "%zu/%zu %s, %zu failing, %zu schedules, %.1f schedules/s, ETA %s",
                  done, planned_, unit_.c_str(), failures, schedules, rate, eta);
  }
  if (style_ == style::lines) {
    std::fprintf(stderr, "%s: %s\n", command_.c_str(), numbers);
    return;
  }
  constexpr int width = 30;
  const int filled = planned_ == 0 ? width : static_cast<int>(width * done / planned_);
  std::string bar(static_cast<std::size_t>(filled), '#');
  bar.resize(width, '.');
  std::fprintf(stderr, "\r\033[K[%s] %s", bar.c_str(), numbers);
  std::fflush(stderr);
}

void progress::clear() {
  if (style_ == style::bar && drawn_) {
    std::fputs("\r\033[K", stderr);
    std::fflush(stderr);
  }
}

}  // namespace weft::cli
