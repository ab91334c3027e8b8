// The replay string, as WEFT_REPLAY and `weft replay` take it from a user: decode never crashes, a
// string it accepts decodes again, once re-encoded, to the same schedule (not to the same spelling:
// version 1 strings are re-encoded as version 2, and compressed bytes depend on zlib's choices), and
// any schedule survives encode then decode.
#include <fuzzer/FuzzedDataProvider.h>

#include <cstdio>
#include <cstdlib>
#include <string>

#include "sched/schedule_codec.hpp"

namespace {

void fail(const char* what, const std::string& text) {
  std::fprintf(stderr, "schedule_codec_fuzzer: %s: \"%s\"\n", what, text.c_str());
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace weft::sched;
  const std::string text(reinterpret_cast<const char*>(data), size);

  const decode_result decoded = decode(text);
  if (decoded.ok()) {
    const std::string again = encode(decoded.decoded);
    const decode_result reread = decode(again);
    if (!reread.ok() || reread.decoded.decisions.size() != decoded.decoded.decisions.size() ||
        reread.decoded.outcome != decoded.decoded.outcome)
      fail("changed a schedule it accepted", text);
    for (std::size_t i = 0; i < reread.decoded.decisions.size(); ++i) {
      if (reread.decoded.decisions[i].chosen != decoded.decoded.decisions[i].chosen ||
          reread.decoded.decisions[i].candidates != decoded.decoded.decisions[i].candidates)
        fail("changed a decision of a schedule it accepted", text);
    }
    for (const decision& step : decoded.decoded.decisions) {
      if (step.chosen >= step.candidates) fail("accepted a choice beyond its candidates", text);
    }
  } else if (decoded.error.rfind("weft: ", 0) != 0) {
    fail("an error that does not say it is weft's", decoded.error);
  }

  // The same bytes read as a schedule: it must come back unchanged.
  FuzzedDataProvider provider(data, size);
  schedule built;
  while (provider.remaining_bytes() > 0) {
    const std::uint32_t candidates = provider.ConsumeIntegralInRange<std::uint32_t>(2, UINT32_MAX);
    built.decisions.push_back(
        {provider.ConsumeIntegralInRange<std::uint32_t>(0, candidates - 1), candidates});
  }
  const std::string encoded = encode(built);
  const decode_result again = decode(encoded);
  if (!again.ok()) fail(("refused its own encoding: " + again.error).c_str(), encoded);
  if (again.decoded.decisions.size() != built.decisions.size()) fail("lost decisions", encoded);
  for (std::size_t i = 0; i < built.decisions.size(); ++i) {
    if (again.decoded.decisions[i].chosen != built.decisions[i].chosen ||
        again.decoded.decisions[i].candidates != built.decisions[i].candidates) {
      fail("changed a decision", encoded);
    }
  }
  return 0;
}
