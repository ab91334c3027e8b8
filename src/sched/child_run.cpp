#include "sched/child_run.hpp"

#include "report/one_line.hpp"
#include "sched/schedule_file.hpp"

namespace weft::sched {
namespace {

constexpr std::string_view replay_prefix = "WEFT_REPLAY=";

bool is_crash_line(std::string_view line) {
  return line.starts_with("weft: ") && line.find(" during schedule ") != std::string_view::npos &&
         line.find(replay_prefix) != std::string_view::npos;
}

}  // namespace

child_run_text::child_run_text() : text_(child_run_magic) {
  text_ += '\n';
}

child_run_text& child_run_text::add(std::string_view key, std::string_view value) {
  text_.append(key).append(": ").append(report::as_one_line(value)).append("\n");
  return *this;
}

child_run_text& child_run_text::add_race(std::string_view key, std::string_view text) {
  text_.append("race: ").append(report::as_one_line(key)).append("\t").append(report::as_one_line(text));
  text_ += '\n';
  return *this;
}

child_run_text& child_run_text::report(std::string_view text) {
  text_.append("report:\n").append(text);
  return *this;
}

std::string child_run_report::field(std::string_view key) const {
  const auto found = fields.find(key);
  return found == fields.end() ? std::string() : found->second;
}

child_run_report read_child_run(std::string_view text) {
  child_run_report result;
  bool in_report = false;
  while (!text.empty()) {
    const std::size_t end = text.find('\n');
    const std::string_view line = text.substr(0, end);
    text.remove_prefix(end == std::string_view::npos ? text.size() : end + 1);
    if (is_crash_line(line)) {
      result.crash_line = line;
    } else if (in_report) {
      result.report.append(line).append("\n");
    } else if (line == child_run_magic) {
      result.present = true;
    } else if (line == "report:") {
      in_report = true;
    } else if (line.starts_with("race: ")) {
      const std::string_view race = line.substr(6);
      const std::size_t tab = race.find('\t');
      if (tab == std::string_view::npos) continue;
      result.races.emplace_back(report::from_one_line(race.substr(0, tab)),
                                report::from_one_line(race.substr(tab + 1)));
    } else if (const std::size_t colon = line.find(": "); colon != std::string_view::npos) {
      result.fields[std::string(line.substr(0, colon))] = report::from_one_line(line.substr(colon + 2));
    }
  }
  return result;
}

std::string schedule_in_crash_line(std::string_view text) {
  const std::size_t at = text.find(replay_prefix);
  if (at == std::string_view::npos) return "";
  const std::size_t from = at + replay_prefix.size();
  return resolve_schedule(std::string(text.substr(from, text.find_first_of(" \n", from) - from))).text;
}

}  // namespace weft::sched
