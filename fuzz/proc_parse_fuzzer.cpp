// The /proc readers' parsers (proc_tasks.cpp reads the files and hands the text to them): any bytes
// give a value or an error naming the field, never a crash, and never both or neither.
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "platform/linux/proc_parse.hpp"

namespace {

template <typename T>
void check(const weft::platform::parsed<T>& result, const char* file) {
  if (result.ok() == result.error.empty()) return;
  std::fprintf(stderr, "proc_parse_fuzzer: parse of %s gave %s\n", file,
               result.ok() ? "a value and an error" : "neither a value nor an error");
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace weft::platform;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  check(parse_stat(text), "stat");
  check(parse_status(text), "status");
  const parsed<syscall_fields> call = parse_syscall(text);
  check(call, "syscall");
  if (call.ok()) {
    // What the snapshot does with a parsed number, however odd.
    (void)describe_syscall(call.value->number);
    (void)syscall_display_name(call.value->number);
  }
  return 0;
}
