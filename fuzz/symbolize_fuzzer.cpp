// The symbolizer with program counters nobody captured: 0, the last page, the middle of an
// instruction, the gap past a module's end, the stack, the heap, text of the executable and of libc.
// It must name what it can and leave the rest empty, never crash, and keep its frames consistent.
#include <fuzzer/FuzzedDataProvider.h>

#include <cstdio>
#include <cstdlib>
#include <vector>

#include "symbolize/symbolizer.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

namespace {

int a_global = 0;

std::uintptr_t base_for(std::uint8_t selector, const void* stack_address, const void* heap_address) {
  switch (selector % 7) {
    case 0:
      return 0;
    case 1:
      return reinterpret_cast<std::uintptr_t>(&LLVMFuzzerTestOneInput);
    case 2:
      return reinterpret_cast<std::uintptr_t>(&std::printf);
    case 3:
      return reinterpret_cast<std::uintptr_t>(stack_address);
    case 4:
      return reinterpret_cast<std::uintptr_t>(heap_address);
    case 5:
      return reinterpret_cast<std::uintptr_t>(&a_global);
    default:
      return UINTPTR_MAX;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  FuzzedDataProvider provider(data, size);
  const bool first_is_exact = provider.ConsumeBool();
  const std::vector<int> heap(4);
  int local = 0;
  std::vector<std::uintptr_t> pcs;
  while (provider.remaining_bytes() > 0 && pcs.size() < 64) {
    const std::uintptr_t base = base_for(provider.ConsumeIntegral<std::uint8_t>(), &local, heap.data());
    // Mostly near the base, sometimes anywhere.
    const auto offset = provider.ConsumeBool() ? provider.ConsumeIntegral<std::int16_t>()
                                               : provider.ConsumeIntegral<std::int64_t>();
    pcs.push_back(base + static_cast<std::uintptr_t>(offset));
  }
  const std::vector<weft::stack_frame> frames = weft::symbolize::frames(pcs, first_is_exact);
  if (frames.size() < pcs.size()) {
    std::fprintf(stderr, "symbolize_fuzzer: %zu pcs gave only %zu frames\n", pcs.size(), frames.size());
    std::abort();
  }
  for (const weft::stack_frame& frame : frames) {
    if (frame.module.empty() && frame.line != 0) {
      std::fprintf(stderr, "symbolize_fuzzer: a line (%u) without a module at pc %#zx\n", frame.line,
                   static_cast<std::size_t>(frame.pc));
      std::abort();
    }
  }
  return 0;
}
