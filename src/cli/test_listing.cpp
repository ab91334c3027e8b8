#include "cli/test_listing.hpp"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <thread>

#include "cli/child_process.hpp"
#include "cli/temp_dir.hpp"
#include "cli/usage_error.hpp"

namespace weft::cli {
namespace {

// The file a command word runs: itself when it names a path, else the first match in PATH.
std::string resolve_program(const std::string& word) {
  if (word.find('/') != std::string::npos) return word;
  const char* path = std::getenv("PATH");
  std::string directories = path != nullptr ? path : "";
  std::size_t start = 0;
  while (start <= directories.size()) {
    const std::size_t end = std::min(directories.find(':', start), directories.size());
    const std::string candidate = directories.substr(start, end - start) + "/" + word;
    if (access(candidate.c_str(), X_OK) == 0) return candidate;
    start = end + 1;
  }
  return word;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

struct listing_run {
  bool exited = false;
  int exit_code = -1;
  std::string output;
};

// The binary with `extra` arguments, its stdout only, within `timeout_s`: a binary that is not a test
// suite may ignore the arguments and run, and must not hold weft forever.
listing_run run_listing(const std::vector<std::string>& program, const std::vector<std::string>& extra,
                        double timeout_s) {
  const temp_dir scratch;
  launch what;
  what.command = program;
  what.command.insert(what.command.end(), extra.begin(), extra.end());
  what.null_stdin = true;
  what.output_path = scratch.file("list");
  const pid_t child = start_program(what);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(timeout_s);
  listing_run result;
  for (;;) {
    int status = 0;
    const pid_t done = waitpid(child, &status, WNOHANG);
    if (done == child) {
      const program_end end = end_of(status);
      result.exited = end.exited;
      result.exit_code = end.exit_code;
      break;
    }
    if (done < 0 && errno != EINTR) break;
    if (std::chrono::steady_clock::now() >= deadline) {
      kill(child, SIGKILL);
      (void)wait_for(child);
      throw usage_error("\"" + shell_command(what.command) + "\" did not list its tests within " +
                        std::to_string(static_cast<long long>(timeout_s)) + " s");
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  result.output = read_file(what.output_path);
  return result;
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    std::string line = text.substr(start, end - start);
    if (!line.empty() && line.back() == '\r') line.pop_back();
    lines.push_back(std::move(line));
    start = end + 1;
  }
  return lines;
}

// "Name  # GetParam() = 3" -> "Name".
std::string without_comment(const std::string& text) {
  std::string name = text.substr(0, text.find("  #"));
  while (!name.empty() && name.back() == ' ') name.pop_back();
  return name;
}

bool disabled_name(const std::string& name) {
  return name.starts_with("DISABLED_") || name.find("/DISABLED_") != std::string::npos;
}

// --gtest_list_tests: "Suite." lines, each followed by its "  Test" lines; anything else (a main that
// prints first) is not part of the list.
std::vector<listed_test> parse_gtest_list(const std::string& output) {
  std::vector<listed_test> tests;
  std::string suite;
  for (const std::string& line : lines_of(output)) {
    if (line.starts_with("  ")) {
      if (suite.empty()) continue;
      const std::string test = without_comment(line.substr(2));
      if (test.empty()) continue;
      listed_test listed;
      listed.name = suite + "." + test;
      listed.disabled = disabled_name(suite) || disabled_name(test);
      listed.death_test =
          suite.ends_with("DeathTest") || suite.substr(0, suite.find('/')).ends_with("DeathTest");
      tests.push_back(std::move(listed));
    } else {
      const std::string name = without_comment(line);
      suite = !name.empty() && name.back() == '.' && name.find(' ') == std::string::npos
                  ? name.substr(0, name.size() - 1)
                  : "";
    }
  }
  return tests;
}

std::string xml_unescaped(const std::string& text) {
  std::string plain;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '&') {
      plain += text[i];
      continue;
    }
    const std::size_t end = text.find(';', i);
    const std::string entity = end == std::string::npos ? "" : text.substr(i + 1, end - i - 1);
    if (entity == "amp")
      plain += '&';
    else if (entity == "lt")
      plain += '<';
    else if (entity == "gt")
      plain += '>';
    else if (entity == "quot")
      plain += '"';
    else if (entity == "apos")
      plain += '\'';
    else if (entity.starts_with("#x"))
      plain += static_cast<char>(std::strtol(entity.c_str() + 2, nullptr, 16));
    else if (entity.starts_with("#"))
      plain += static_cast<char>(std::strtol(entity.c_str() + 1, nullptr, 10));
    else {
      plain += '&';
      continue;
    }
    i = end;
  }
  return plain;
}

bool matches_glob(const char* pattern, const char* name) {
  for (;; ++pattern, ++name) {
    if (*pattern == '*') {
      for (const char* rest = name;; ++rest) {
        if (matches_glob(pattern + 1, rest)) return true;
        if (*rest == '\0') return false;
      }
    }
    if (*pattern == '\0') return *name == '\0';
    if (*name == '\0' || (*pattern != '?' && *pattern != *name)) return false;
  }
}

bool matches_any(const std::string& patterns, const std::string& name) {
  std::size_t start = 0;
  while (start <= patterns.size()) {
    const std::size_t end = std::min(patterns.find(':', start), patterns.size());
    if (matches_glob(patterns.substr(start, end - start).c_str(), name.c_str())) return true;
    start = end + 1;
  }
  return false;
}

}  // namespace

bool filter_selects(const std::string& filter, const std::string& name) {
  const std::size_t dash = filter.find('-');
  const std::string positive = filter.substr(0, dash);
  const std::string negative = dash == std::string::npos ? "" : filter.substr(dash + 1);
  if (!positive.empty() && !matches_any(positive, name)) return false;
  return negative.empty() || !matches_any(negative, name);
}

std::string catch2_exact_spec(const std::string& name) {
  std::string spec;
  for (const char c : name) {
    if (c == ',' || c == '[' || c == ']' || c == '"' || c == '*' || c == '~' || c == '#' || c == '\\')
      spec += '\\';
    spec += c;
  }
  return spec;
}

std::vector<std::string> arguments_selecting(const test_listing& listing, const listed_test& test) {
  if (listing.framework == test_framework::gtest) return {"--gtest_filter=" + test.name};
  return {"--warn", "NoTests", catch2_exact_spec(test.name)};
}

test_listing list_tests(const std::vector<std::string>& program, double timeout_s) {
  const std::string binary = resolve_program(program.front());
  std::error_code error;
  if (!std::filesystem::is_regular_file(binary, error))
    throw usage_error("cannot run \"" + program.front() + "\": no such file");
  // The frameworks' own option names are in their help texts, compiled into every test binary.
  const std::string content = read_file(binary);
  test_listing listing;
  if (content.find("gtest_list_tests") != std::string::npos) {
    listing.framework = test_framework::gtest;
    const listing_run listed = run_listing(program, {"--gtest_list_tests"}, timeout_s);
    if (!listed.exited || listed.exit_code != 0) {
      throw usage_error(
          "\"" + program.front() + "\" --gtest_list_tests failed (" +
          (listed.exited ? "exit code " + std::to_string(listed.exit_code) : "killed by a signal") +
          "); its output:\n" + listed.output);
    }
    listing.tests = parse_gtest_list(listed.output);
    return listing;
  }
  listing.framework = test_framework::catch2;
  if (content.find("list-test-names-only") != std::string::npos) {
    // Catch2 v2 exits with the number of tests it listed.
    listing.catch2_major = 2;
    const listing_run listed = run_listing(program, {"--list-test-names-only"}, timeout_s);
    if (!listed.exited) throw usage_error("\"" + program.front() + "\" --list-test-names-only was killed");
    for (std::string line : lines_of(listed.output)) {
      if (line.empty()) continue;
      // Names that start with '#' are listed in quotes, not to be taken for a file tag.
      if (line.size() >= 2 && line.front() == '"' && line.back() == '"' && line[1] == '#')
        line = line.substr(1, line.size() - 2);
      listing.tests.push_back({line, false, false});
    }
    return listing;
  }
  if (content.find("list-tests") != std::string::npos && content.find("Catch2") != std::string::npos) {
    listing.catch2_major = 3;
    const listing_run listed = run_listing(program, {"--list-tests", "--reporter", "xml"}, timeout_s);
    if (!listed.exited) throw usage_error("\"" + program.front() + "\" --list-tests was killed");
    std::size_t at = 0;
    while ((at = listed.output.find("<TestCase>", at)) != std::string::npos) {
      const std::size_t name = listed.output.find("<Name>", at);
      const std::size_t end = listed.output.find("</Name>", name);
      if (name == std::string::npos || end == std::string::npos) break;
      listing.tests.push_back({xml_unescaped(listed.output.substr(name + 6, end - name - 6)), false, false});
      at = end;
    }
    return listing;
  }
  throw usage_error(
      "\"" + program.front() +
      "\" is neither a GoogleTest nor a Catch2 test binary (it knows neither --gtest_list_tests "
      "nor --list-test-names-only nor --list-tests); use weft explore for a program");
}

}  // namespace weft::cli
