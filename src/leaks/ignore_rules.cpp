#include "leaks/ignore_rules.hpp"

#include <fnmatch.h>

#include <array>
#include <cstdlib>
#include <mutex>
#include <string>

#include "symbolize/function_name.hpp"
#include "symbolize/runtime_frames.hpp"

namespace weft::leaks {
namespace {

// The functions of the sanitizer runtimes, whose background threads (LeakSanitizer's, for example)
// live until exit. Built once: every check, the no-leak teardown of each test included, may ask.
const std::vector<ignore_rule>& sanitizer_rules() {
  static const auto* rules = [] {
    auto* built = new std::vector<ignore_rule>();  // never destroyed: checks may run at exit
    for (const char* runtime :
         {"__sanitizer::*", "__asan::*", "__lsan::*", "__tsan::*", "__msan::*", "__hwasan::*"}) {
      built->push_back({ignore_rule::subject::any_function, runtime});
    }
    return built;
  }();
  return *rules;
}

std::mutex everywhere_mutex;
std::vector<ignore_rule>& everywhere_rules() {
  static auto* rules = new std::vector<ignore_rule>();  // never destroyed: checks may run at exit
  return *rules;
}

bool glob_matches(const std::string& pattern, std::string_view name) {
  return fnmatch(pattern.c_str(), std::string(name).c_str(), 0) == 0;
}

bool any_frame_matches(const std::string& pattern, const stack_trace& stack) {
  for (const stack_frame& frame : stack.frames) {
    if (!frame.function.empty() && matches(pattern, frame.function)) return true;
  }
  return false;
}

// "Top of the stack" is both the innermost named frame and the frame the report shows as on top (the
// first outside the C and C++ runtimes), so a pattern copied from either place works.
bool top_matches(const std::string& pattern, const stack_trace& stack) {
  for (const stack_frame& frame : stack.frames) {
    if (frame.function.empty()) continue;
    if (matches(pattern, frame.function)) return true;
    break;
  }
  const stack_frame* shown = symbolize::first_user_frame(stack);
  return shown != nullptr && !shown->function.empty() && matches(pattern, shown->function);
}

}  // namespace

bool matches(std::string_view pattern, std::string_view name) {
  const std::string glob(pattern);
  if (glob_matches(glob, name)) return true;
  const symbolize::function_name function = symbolize::parse_function_name(name);
  if (glob_matches(glob, function.qualified()) || glob_matches(glob, function.qualified_with_template_args()))
    return true;
  // "leveldb::PosixEnv::Schedule" for leveldb::(anonymous namespace)::PosixEnv::Schedule: the reader
  // of a report knows the class, rarely that it sits in an unnamed namespace.
  symbolize::function_name named_only;
  for (const symbolize::name_scope& scope : function.scopes) {
    if (scope.name != "(anonymous namespace)") named_only.scopes.push_back(scope);
  }
  return named_only.scopes.size() != function.scopes.size() && glob_matches(glob, named_only.qualified());
}

std::vector<ignore_rule> parse_ignore_list(std::string_view text, std::string_view source) {
  static constexpr std::array<std::pair<std::string_view, ignore_rule::subject>, 4> kinds{{
      {"top:", ignore_rule::subject::top_function},
      {"any:", ignore_rule::subject::any_function},
      {"created_by:", ignore_rule::subject::created_by},
      {"name:", ignore_rule::subject::thread_name},
  }};
  std::vector<ignore_rule> rules;
  std::size_t number = 0;
  while (!text.empty()) {
    std::size_t end = text.find(';');
    std::string_view entry = text.substr(0, end);
    text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
    ++number;
    if (entry.empty()) continue;
    bool known = false;
    for (const auto& [prefix, subject] : kinds) {
      if (!entry.starts_with(prefix)) continue;
      std::string_view pattern = entry.substr(prefix.size());
      if (pattern.empty()) {
        throw config_error("weft: " + std::string(source) + " entry " + std::to_string(number) + " \"" +
                           std::string(entry) + "\" has no pattern after \"" + std::string(prefix) + "\"");
      }
      rules.push_back({subject, std::string(pattern)});
      known = true;
    }
    if (!known) {
      throw config_error("weft: " + std::string(source) + " entry " + std::to_string(number) + " \"" +
                         std::string(entry) +
                         "\" must start with top:, any:, created_by: or name: followed by a glob, "
                         "for example \"name:io-worker*;top:boost::asio::*\"");
    }
  }
  return rules;
}

std::vector<ignore_rule> ignore_rules_from_environment() {
  const char* text = std::getenv("WEFT_IGNORE");
  if (text == nullptr) return {};
  return parse_ignore_list(text, "WEFT_IGNORE");
}

rule_set::rule_set(const options& opts) {
  {
    std::lock_guard lock(everywhere_mutex);
    rules_.insert(rules_.end(), everywhere_rules().begin(), everywhere_rules().end());
  }
  std::vector<ignore_rule> from_environment = ignore_rules_from_environment();
  rules_.insert(rules_.end(), from_environment.begin(), from_environment.end());
  rules_.insert(rules_.end(), opts.rules().begin(), opts.rules().end());
}

bool rule_set::is_tool_thread(const thread_info& thread) {
  if (thread.created.how == creation_record::origin::pthread_create) return false;
  for (const ignore_rule& rule : sanitizer_rules()) {
    if (any_frame_matches(rule.pattern, thread.stack)) return true;
  }
  return false;
}

bool rule_set::ignores_by_identity(std::string_view name, const creation_record& created) const {
  for (const ignore_rule& rule : rules_) {
    if (rule.what == ignore_rule::subject::thread_name && glob_matches(rule.pattern, name)) return true;
    if (rule.what == ignore_rule::subject::created_by && any_frame_matches(rule.pattern, created.stack))
      return true;
  }
  return false;
}

bool rule_set::ignores(const task_info& task) const {
  if (ignores_by_identity(task.name, task.created)) return true;
  // A task's async stack comes from weft's own records: applying stack rules to it signals no one.
  stack_trace sites;
  for (const async_frame& frame : task.async_stack) {
    if (!frame.site.function.empty()) sites.frames.push_back(frame.site);
  }
  return ignores_by_stack(sites);
}

bool rule_set::ignores_by_stack(const stack_trace& stack) const {
  for (const ignore_rule& rule : rules_) {
    if (rule.what == ignore_rule::subject::any_function && any_frame_matches(rule.pattern, stack))
      return true;
    if (rule.what == ignore_rule::subject::top_function && top_matches(rule.pattern, stack)) return true;
  }
  return false;
}

}  // namespace weft::leaks

namespace weft {

void ignore_everywhere(const options& rules) {
  if (rules.baseline() || rules.cleanup() || rules.settle_timeout() != options().settle_timeout() ||
      rules.full_stacks()) {
    throw config_error(
        "weft: ignore_everywhere takes only ignore_* rules; build its argument without ignore_current, "
        "settle_timeout, full_stacks or cleanup");
  }
  std::lock_guard lock(leaks::everywhere_mutex);
  leaks::everywhere_rules().insert(leaks::everywhere_rules().end(), rules.rules().begin(),
                                   rules.rules().end());
}

}  // namespace weft
