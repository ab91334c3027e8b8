#include "report/suggested_rule.hpp"

#include <algorithm>

#include "symbolize/function_name.hpp"

namespace weft::report {
namespace {

void add_creator(std::vector<std::string>& entries, const creation_record& created) {
  if (created.how == creation_record::origin::before_weft_loaded ||
      created.how == creation_record::origin::unseen || created.creator.function.empty())
    return;
  std::string entry =
      "created_by:" + glob_escaped(symbolize::parse_function_name(created.creator.function).qualified());
  if (std::find(entries.begin(), entries.end(), entry) == entries.end()) entries.push_back(std::move(entry));
}

}  // namespace

std::string glob_escaped(std::string_view name) {
  std::string glob;
  for (const char c : name) {
    if (c == '*' || c == '?' || c == '[' || c == '\\') glob += '\\';
    glob += c;
  }
  return glob;
}

std::vector<std::string> suggested_ignore_entries(const std::vector<leak_group>& threads,
                                                  const std::vector<task_group>& tasks) {
  std::vector<std::string> entries;
  for (const leak_group& group : threads) {
    if (!group.threads.empty()) add_creator(entries, group.threads.front().created);
  }
  for (const task_group& group : tasks) {
    if (!group.tasks.empty()) add_creator(entries, group.tasks.front().created);
  }
  return entries;
}

std::string weft_ignore_assignment(const std::vector<std::string>& entries) {
  std::string text = "WEFT_IGNORE='";
  for (std::size_t i = 0; i < entries.size(); ++i) {
    if (i > 0) text += ';';
    for (const char c : entries[i]) {
      if (c == '\'') {
        text += "'\\''";  // a quote ends the quoted word, is escaped, and opens the next
      } else {
        text += c;
      }
    }
  }
  return text + "'";
}

}  // namespace weft::report
