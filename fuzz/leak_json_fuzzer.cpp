// The JSON leak report with whatever the kernel and ELF files could put in it: names and paths of
// arbitrary bytes (not UTF-8, control characters, quotes), extreme numbers, empty and unavailable
// stacks. The output must always parse back as JSON, with the schema's fixed fields intact.
#include <fuzzer/FuzzedDataProvider.h>

#include <cstdio>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "weft/leaks.hpp"

namespace {

using weft::stack_frame;
using weft::stack_trace;

std::string text(FuzzedDataProvider& provider) {
  return provider.ConsumeRandomLengthString(64);
}

stack_frame frame(FuzzedDataProvider& provider) {
  stack_frame made;
  made.pc = provider.ConsumeIntegral<std::uintptr_t>();
  made.function = text(provider);
  made.file = text(provider);
  made.line = provider.ConsumeIntegral<unsigned>();
  made.module = text(provider);
  made.module_offset = provider.ConsumeIntegral<std::uintptr_t>();
  return made;
}

stack_trace stack(FuzzedDataProvider& provider) {
  stack_trace made;
  if (provider.ConsumeIntegralInRange(0, 7) == 0) {
    made.unavailable_reason = text(provider);
    if (made.unavailable_reason.empty()) made.unavailable_reason = "no reason";
    return made;
  }
  const int frames = provider.ConsumeIntegralInRange(0, 4);
  for (int i = 0; i < frames; ++i) made.frames.push_back(frame(provider));
  return made;
}

weft::creation_record created(FuzzedDataProvider& provider) {
  weft::creation_record made;
  made.how = static_cast<weft::creation_record::origin>(provider.ConsumeIntegralInRange(0, 3));
  made.test = text(provider);
  made.stack = stack(provider);
  if (provider.ConsumeBool()) made.creator = frame(provider);
  made.creator_tid = provider.ConsumeIntegral<int>();
  return made;
}

weft::thread_info thread(FuzzedDataProvider& provider) {
  weft::thread_info made;
  made.id.tid = provider.ConsumeIntegral<int>();
  made.id.start_time = provider.ConsumeIntegral<std::uint64_t>();
  made.name = text(provider);
  made.kernel_state = provider.ConsumeIntegral<char>();
  made.state = text(provider);
  made.stack = stack(provider);
  made.created = created(provider);
  return made;
}

weft::task_info task(FuzzedDataProvider& provider) {
  weft::task_info made;
  made.id = provider.ConsumeIntegral<std::uint64_t>();
  made.name = text(provider);
  made.state = static_cast<weft::task_state>(provider.ConsumeIntegralInRange(0, 3));
  if (made.state == weft::task_state::suspended) made.suspended_at = frame(provider);
  made.async_stack.push_back({made.id, made.name, made.state, made.suspended_at});
  const int awaiting = provider.ConsumeIntegralInRange(0, 2);
  for (int i = 0; i < awaiting; ++i) {
    made.async_stack.push_back({provider.ConsumeIntegral<std::uint64_t>(), text(provider),
                                weft::task_state::suspended, frame(provider)});
  }
  made.created = created(provider);
  made.created.how = weft::creation_record::origin::register_task;
  return made;
}

[[noreturn]] void fail(const std::string& why, const std::string& output) {
  std::fprintf(stderr, "leak_json_fuzzer: %s; the output was:\n%s\n", why.c_str(), output.c_str());
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  FuzzedDataProvider provider(data, size);
  std::vector<weft::leak_group> groups(provider.ConsumeIntegralInRange(0, 3));
  for (weft::leak_group& group : groups) {
    const int threads = provider.ConsumeIntegralInRange(1, 3);
    for (int i = 0; i < threads; ++i) group.threads.push_back(thread(provider));
  }
  std::vector<weft::task_group> task_groups(provider.ConsumeIntegralInRange(0, 2));
  for (weft::task_group& group : task_groups) group.tasks.push_back(task(provider));
  const weft::leak_report report(std::move(groups), std::move(task_groups));

  const std::string output = report.json();
  nlohmann::json parsed;
  try {
    parsed = nlohmann::json::parse(output);
  } catch (const nlohmann::json::exception& error) {
    fail(std::string("not valid JSON: ") + error.what(), output);
  }
  if (parsed.value("schema", "") != "weft.leak_report") fail("the schema name is missing", output);
  if (!parsed["groups"].is_array() || parsed["groups"].size() != report.groups().size())
    fail("the groups are not all there", output);
  if (parsed["thread_count"] != report.thread_count()) fail("the thread count changed", output);
  return 0;
}
