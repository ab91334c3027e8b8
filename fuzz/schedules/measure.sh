#!/bin/sh
# Executions to the first bug, per bug program and per way of searching: the schedule fuzzer with
# and without its interleaving counters, and explore() with random and
# pct under the same budget. docs/fuzzing.md quotes its output.
#   fuzz/schedules/measure.sh <build dir> [seeds (default 20)] [budget (default 20000)]
set -eu
build=$(cd "$1" && pwd)
seeds=${2:-20}
budget=${3:-20000}
fuzzer=$build/fuzz/schedules/bug_program_fuzzer
baseline=$build/fuzz/schedules/strategy_baseline
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# One fuzzing campaign; prints the executions it took, or "none".
fuzz_once() {  # program seed feedback
  out=$(cd "$work" && WEFT_BUG_PROGRAM=$1 WEFT_FUZZ_FEEDBACK=$3 \
        "$fuzzer" -runs="$budget" -seed="$2" -artifact_prefix="$work/" 2>&1 || true)
  rm -f "$work"/crash-*
  n=$(printf '%s\n' "$out" | sed -n 's/^weft: input \([0-9]*\) of this fuzzing process failed.*/\1/p')
  echo "${n:-none}"
}

# Median and mean of the found counts; a campaign that found nothing counts as the budget.
summary() {
  values=$(tr ' ' '\n' | grep .)
  missed=$(printf '%s\n' "$values" | grep -c none || true)
  printf '%s\n' "$values" | sed "s/none/$budget/" | sort -n | awk -v missed="$missed" '
    { v[++n] = $1; sum += $1 }
    END { m = (n % 2) ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2;
          printf "%s / %.0f%s", m, sum / n, (missed > 0 ? " (" missed " missed)" : "") }'
}

printf '| program | fuzz with counters | fuzz without counters | random | pct |\n'
printf '|---|---|---|---|---|\n'
for program in lost_update check_then_act use_before_initialization abba_deadlock lost_wakeup \
               bounded_buffer_with_if needs_three_ordered_preemptions; do
  row="| $program"
  for feedback in on off; do
    results=""
    for seed in $(seq 1 "$seeds"); do results="$results $(fuzz_once "$program" "$seed" "$feedback")"; done
    row="$row | $(echo $results | summary)"
  done
  for strategy in random pct; do
    results=""
    for seed in $(seq 1 "$seeds"); do results="$results $("$baseline" "$program" "$strategy" "$seed" "$budget")"; done
    row="$row | $(echo $results | summary)"
  done
  echo "$row |"
done
