#include <array>
#include <string>
#include <utility>
#include <weft/options.hpp>

#include "report/quoted_text.hpp"
#include "sched/strategies/bytes.hpp"
#include "sched/strategies/dfs.hpp"
#include "sched/strategies/pct.hpp"
#include "sched/strategies/portfolio.hpp"
#include "sched/strategies/pos.hpp"
#include "sched/strategies/random.hpp"
#include "sched/strategies/rff.hpp"
#include "sched/strategies/strategy.hpp"
#include "sched/strategies/surw.hpp"

namespace weft::sched {
namespace {

constexpr std::array<std::pair<strategy_kind, std::string_view>, 8> names = {{
    {strategy_kind::random, "random"},
    {strategy_kind::pct, "pct"},
    {strategy_kind::pos, "pos"},
    {strategy_kind::dfs, "dfs"},
    {strategy_kind::bytes, "bytes"},
    {strategy_kind::surw, "surw"},
    {strategy_kind::rff, "rff"},
    {strategy_kind::portfolio, "portfolio"},
}};

}  // namespace

std::unique_ptr<strategy> make_strategy(strategy_kind kind, const strategy_config& config) {
  switch (kind) {
    case strategy_kind::random:
      return std::make_unique<random_strategy>(config.seed);
    case strategy_kind::pct:
      return std::make_unique<pct_strategy>(config.seed, config.pct_depth);
    case strategy_kind::pos:
      return std::make_unique<pos_strategy>(config.seed);
    case strategy_kind::dfs:
      return std::make_unique<dfs_strategy>(config.dfs_preemption_bound);
    case strategy_kind::bytes:
      return std::make_unique<bytes_strategy>(config.bytes, config.seed);
    case strategy_kind::portfolio:
      return std::make_unique<portfolio_strategy>(config.seed);
    case strategy_kind::surw:
      return std::make_unique<surw_strategy>(config.seed);
    case strategy_kind::rff:
      return std::make_unique<rff_strategy>(config.seed);
  }
  throw config_error("weft: make_strategy got strategy_kind " + std::to_string(static_cast<int>(kind)) +
                     ", which is not in the registry (a weft bug)");
}

std::size_t eligible_count(std::span<const candidate> candidates) {
  std::size_t count = 0;
  for (const candidate& c : candidates) count += c.waits_for_progress ? 0 : 1;
  return count;
}

std::optional<std::size_t> plain_access_to_take(std::span<const candidate> candidates, thread_id current) {
  const auto plain_access = [&](std::size_t i) {
    return !candidates[i].next.interesting && !candidates[i].waits_for_progress;
  };
  for (std::size_t i = 0; i < candidates.size(); ++i) {
    if (plain_access(i) && candidates[i].thread == current) return i;
  }
  for (std::size_t i = 0; i < candidates.size(); ++i) {
    if (plain_access(i)) return i;
  }
  return std::nullopt;
}

std::size_t eligible_index(std::span<const candidate> candidates, std::size_t n) {
  for (std::size_t i = 0; i < candidates.size(); ++i) {
    if (candidates[i].waits_for_progress) continue;
    if (n == 0) return i;
    --n;
  }
  return 0;
}

std::span<const strategy_kind> every_strategy() {
  static constexpr std::array<strategy_kind, names.size()> kinds = [] {
    std::array<strategy_kind, names.size()> listed{};
    for (std::size_t i = 0; i < names.size(); ++i) listed[i] = names[i].first;
    return listed;
  }();
  return kinds;
}

std::string_view name_of(strategy_kind kind) {
  for (const auto& [known, name] : names) {
    if (known == kind) return name;
  }
  return "unknown";
}

bool takes_bytes(strategy_kind kind) {
  return kind == strategy_kind::bytes;
}

std::optional<strategy_kind> strategy_named(std::string_view text) {
  for (const auto& [known, name] : names) {
    if (name == text) return known;
  }
  return std::nullopt;
}

strategy_kind strategy_named(std::string_view text, std::string_view what, bool exploring_only) {
  const std::optional<strategy_kind> found = strategy_named(text);
  if (found && !(exploring_only && takes_bytes(*found))) return *found;
  std::string listed;
  for (const auto& [known, name] : names) {
    if (exploring_only && takes_bytes(known)) continue;
    listed.append(listed.empty() ? "" : ", ").append(name);
  }
  throw config_error("weft: " + std::string(what) + " must be one of " + listed + "; got " +
                     report::quoted_prefix(text));
}

}  // namespace weft::sched
