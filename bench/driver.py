#!/usr/bin/env python3
"""Runs weft's benchmarks (the programs bench/CMakeLists.txt builds) and writes one table.

Every figure is compared with a baseline measured in the same run, interleaved with it where the two
can alternate, because absolute times on a shared machine drift. Called by bench/run, which builds
first; see docs/bench.md for what each row means.
"""

import argparse
import csv
import datetime
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


class Table:
    """The rows of the report: one figure each, with its baseline and the ratio weft / baseline."""

    def __init__(self):
        self.rows = []

    def add(self, section, figure, weft, baseline, baseline_name, unit, goal="", goal_met=None, note=""):
        ratio = None
        if isinstance(weft, (int, float)) and isinstance(baseline, (int, float)) and baseline:
            ratio = weft / baseline
        self.rows.append(dict(section=section, figure=figure, weft=weft, baseline=baseline,
                              baseline_name=baseline_name, unit=unit, ratio=ratio, goal=goal,
                              goal_met=goal_met, note=note))
        print(f"  {figure}: {fmt(weft)} vs {fmt(baseline)} {unit} ({baseline_name})"
              + (f", ratio {ratio:.3f}" if ratio is not None else "") + (f"  [{note}]" if note else ""),
              flush=True)


def fmt(value):
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, int):
        return f"{value:,}"
    if abs(value) >= 1000:
        return f"{value:,.0f}"
    if abs(value) >= 10:
        return f"{value:.1f}"
    return f"{value:.3g}"


def run_lines(command, timeout):
    """Runs a bench program and returns its "name<TAB>value" lines as a dict."""
    completed = subprocess.run(command, capture_output=True, text=True, timeout=timeout)
    if completed.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} exited {completed.returncode}: {completed.stderr.strip()[-400:]}")
    values = {}
    for line in completed.stdout.splitlines():
        name, _, value = line.partition("\t")
        values[name] = float(value) if re.fullmatch(r"-?[0-9.]+", value) else value
    return values


def timed_run(command, timeout, env=None):
    start = time.perf_counter()
    completed = subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                               timeout=timeout, env=env)
    elapsed = time.perf_counter() - start
    return elapsed, completed


# --- 1. clean teardown -----------------------------------------------------------------------------
def bench_teardown(table, build, quick):
    section = "1. clean teardown"
    print(f"{section}", flush=True)
    plain = os.path.join(build, "bench", "bench_teardown_plain")
    weft = os.path.join(build, "bench", "bench_teardown_weft")
    repetitions = 4 if quick else 30
    times = {plain: [], weft: []}
    for _ in range(repetitions):
        for exe in (plain, weft):
            elapsed, completed = timed_run([exe, "--gtest_brief=1"], timeout=300)
            if completed.returncode != 0:
                raise RuntimeError(f"{exe} failed: {completed.stderr.strip()[-400:]}")
            times[exe].append(elapsed * 1000)
    weft_ms, plain_ms = statistics.median(times[weft]), statistics.median(times[plain])
    ratio = weft_ms / plain_ms
    table.add(section, "2,000 trivial gtest tests, whole process (median of %d, alternating)" % repetitions,
              weft_ms, plain_ms, "GTest::gtest_main", "ms", "ratio <= 1.05", ratio <= 1.05,
              note="" if ratio <= 1.05 else
              "floor: one fstat of /proc/self/task per test, which finds raw clone() threads, and loading "
              "libweft and libdw at start; measured in docs/bench.md")
    table.add(section, "added per test", (weft_ms - plain_ms) * 1000 / 2000, None, "", "us")


# --- 2. settle latency -----------------------------------------------------------------------------
def bench_settle(table, build, quick):
    section = "2. settle latency"
    print(section, flush=True)
    values = run_lines([os.path.join(build, "bench", "bench_settle"), "10" if quick else "100"], timeout=300)
    weft_ms = values["settle_weft_median_us"] / 1000
    goleak_ms = values["settle_goleak_median_us"] / 1000
    table.add(section, "thread exits 10 ms after the test body: test end to verdict (median of %d)"
              % values["settle_repetitions"], weft_ms, goleak_ms, "goleak's 20-retry backoff, 100 ms cap", "ms",
              "weft <= 12 ms", weft_ms <= 12)
    table.add(section, "same, 90th percentile", values["settle_weft_p90_us"] / 1000,
              values["settle_goleak_p90_us"] / 1000, "goleak's 20-retry backoff, 100 ms cap", "ms",
              note="worst: weft %.1f ms, goleak %.1f ms" % (values["settle_weft_max_us"] / 1000,
                                                          values["settle_goleak_max_us"] / 1000))


# --- 3. snapshots ----------------------------------------------------------------------------------
def run_tool(command, timeout, count_pattern):
    """Times an external stack dumper; returns (seconds or None, threads it printed, error text)."""
    start = time.perf_counter()
    try:
        completed = subprocess.run(command, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return None, 0, f"timed out after {timeout} s"
    elapsed = time.perf_counter() - start
    threads = len(re.findall(count_pattern, completed.stdout, re.MULTILINE))
    error = ""
    if completed.returncode != 0 or threads == 0:
        error = (completed.stderr.strip().splitlines() or ["exit %d" % completed.returncode])[-1][:160]
    return elapsed, threads, error


def bench_snapshot(table, build, quick):
    section = "3. snapshot"
    print(section, flush=True)
    target = os.path.join(build, "bench", "bench_snapshot")
    eu_stack, gdb = shutil.which("eu-stack"), shutil.which("gdb")
    ptrace_scope = "/proc/sys/kernel/yama/ptrace_scope"
    scope = open(ptrace_scope).read().strip() if os.path.exists(ptrace_scope) else "absent (no Yama LSM)"
    print(f"  yama ptrace_scope: {scope}", flush=True)
    sizes = [100, 1000] if quick else [100, 1000, 5000]
    for threads in sizes:
        processes = 1 if quick else (2 if threads >= 5000 else 3)
        tool_timeout = 60 if quick else (300 if threads >= 5000 else 120)
        results = {key: [] for key in ("capture_ms", "cold_ms", "warm_ms", "eu_q", "eu", "gdb")}
        memory = {}
        tool_notes = {}
        for _ in range(processes):
            # The target is this script's child: ptrace from its parent's tools is allowed even under
            # Yama's ptrace_scope=1.
            child = subprocess.Popen([target, str(threads), "3" if quick else "5"], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            values = {}
            try:
                for line in child.stdout:
                    name, _, value = line.rstrip("\n").partition("\t")
                    values[name] = float(value)
                    if name == "ready":
                        break
                if "ready" not in values:
                    raise RuntimeError(f"bench_snapshot {threads} ended early: {child.stderr.read()[-400:]}")
                for key in ("capture_ms", "cold_ms", "warm_ms"):
                    results[key].append(values[key])
                memory = values
                pid = str(int(values["ready"]))
                # Each tool once per process, alternating, on the same blocked threads.
                tools = []
                if eu_stack:
                    tools.append(("eu_q", [eu_stack, "-q", "-p", pid], r"^TID "))
                    tools.append(("eu", [eu_stack, "-p", pid], r"^TID "))
                if gdb:
                    tools.append(("gdb", [gdb, "-nx", "-batch", "-ex", "thread apply all bt", "-p", pid],
                                  r"^Thread \d+ "))
                for key, command, pattern in tools:
                    seconds, seen, error = run_tool(command, tool_timeout, pattern)
                    if seconds is not None and not error:
                        results[key].append(seconds * 1000)
                        if seen < threads:
                            tool_notes[key] = f"printed {seen} of {threads + 1} threads"
                    else:
                        tool_notes[key] = error or "failed"
            finally:
                child.stdin.close()
                child.wait(timeout=60)
        label = f"{threads:,} threads"
        answered = memory.get("stacks_answered", 0)
        note = f"{int(answered)} of {int(memory.get('threads_seen', 0))} stacks captured"

        def tool_value(key):
            return statistics.median(results[key]) if results[key] else ("not measured: " + tool_notes.get(
                key, "tool not installed"))

        def note_for(key):
            return tool_notes.get(key, "")

        capture = statistics.median(results["capture_ms"])
        cold = statistics.median(results["cold_ms"])
        warm = statistics.median(results["warm_ms"])
        table.add(section, f"{label}: capture only (no symbols)", capture, tool_value("eu_q"), "eu-stack -q -p",
                  "ms", note=" ".join(filter(None, [note, note_for("eu_q")])))
        table.add(section, f"{label}: capture + symbolize, cold", cold, tool_value("gdb"),
                  "gdb -batch 'thread apply all bt'", "ms", note=note_for("gdb"))
        table.add(section, f"{label}: capture + symbolize, warm", warm, tool_value("gdb"),
                  "gdb -batch 'thread apply all bt'", "ms", note=note_for("gdb"))
        table.add(section, f"{label}: capture + symbolize, warm", warm, tool_value("eu"), "eu-stack -p (symbolized)",
                  "ms", note=note_for("eu"))
        snapshot_bytes = memory.get("warm_snapshot_heap_bytes", 0)
        table.add(section, f"{label}: heap held by one snapshot (per thread: {snapshot_bytes / threads:,.0f} B)",
                  snapshot_bytes / 1024, None, "", "KiB")
        table.add(section, f"{label}: heap added by the first snapshot (caches included)",
                  memory.get("cold_heap_added_bytes", 0) / 1024, None, "", "KiB",
                  note=f"RSS +{memory.get('cold_rss_added_kb', 0):,.0f} KiB")
        table.add(section, f"{label}: heap still held once every snapshot is freed",
                  memory.get("retained_heap_bytes", 0) / 1024, None, "", "KiB", note="symbol and unwind caches")


# --- 4. scheduler ----------------------------------------------------------------------------------
PER_SWITCH_NOTE = ("what grows at 64: the candidate list shown to the strategy at every point (every runnable thread) and 64 stacks in one CPU's caches; docs/bench.md")
RING_SWITCH_NOTE = "what grows at 64: 64 stacks and thread records in one CPU's caches; docs/bench.md"


def bench_scheduler(table, build, quick):
    section = "4. scheduler"
    print(section, flush=True)
    values = run_lines([os.path.join(build, "bench", "bench_scheduler"), "2" if quick else "7",
                        "200" if quick else "500"], timeout=300)
    table.add(section, "hand-off latency at a scheduling point (median of %d)" % values["handoff_weft_samples"],
              values["handoff_weft_median_ns"] / 1000, values["handoff_native_median_ns"] / 1000,
              "native mutex + condvar ping-pong", "us")
    handoff_ratio = values["handoff_weft_median_ns"] / values["handoff_futex_pinned_median_ns"]
    table.add(section, "hand-off latency at a scheduling point (median of %d)" % values["handoff_weft_samples"],
              values["handoff_weft_median_ns"] / 1000, values["handoff_futex_pinned_median_ns"] / 1000,
              "futex ping-pong, both threads pinned to one CPU", "us", goal="ratio <= 1.3",
              goal_met=handoff_ratio <= 1.3)
    # Per point, the random strategy switches threads more often the more threads can run (half the
    # points with 2, nearly all with 64): the per-switch rows show what the thread count itself costs.
    switch_note = ("{:.2f} context switches per point here, {:.2f} with 2 threads: the strategy switches "
                   "more often among more threads; the next row is the cost per switch")
    for threads in (8, 64):
        ratio = values[f"point_cost_{threads}t_ns"] / values["point_cost_2t_ns"]
        table.add(section, f"cost per scheduling point, {threads} threads (yield points, one run)",
                  values[f"point_cost_{threads}t_ns"] / 1000, values["point_cost_2t_ns"] / 1000,
                  "the same with 2 threads", "us", goal="ratio <= 1.3", goal_met=ratio <= 1.3,
                  note="" if ratio <= 1.3 else switch_note.format(values[f"point_switches_{threads}t"],
                                                                  values["point_switches_2t"]))
        met = values[f"point_switch_cost_{threads}t_ns"] <= 1.3 * values["point_switch_cost_2t_ns"]
        table.add(section, f"the same, per context switch (getrusage), {threads} threads",
                  values[f"point_switch_cost_{threads}t_ns"] / 1000, values["point_switch_cost_2t_ns"] / 1000,
                  "the same with 2 threads", "us", goal="ratio <= 1.3", goal_met=met,
                  note="" if met else PER_SWITCH_NOTE)
    for threads in (8, 64):
        ratio = values[f"ring_pass_cost_{threads}t_ns"] / values["ring_pass_cost_2t_ns"]
        table.add(section, f"token ring of {threads} threads (semaphores): cost per pass",
                  values[f"ring_pass_cost_{threads}t_ns"] / 1000, values["ring_pass_cost_2t_ns"] / 1000,
                  "the same ring of 2 threads", "us",
                  note="{:.2f} context switches per pass, {:.2f} with 2 threads".format(
                      values[f"ring_pass_switches_{threads}t"], values["ring_pass_switches_2t"]))
        met = values[f"ring_pass_switch_cost_{threads}t_ns"] <= 1.3 * values["ring_pass_switch_cost_2t_ns"]
        table.add(section, f"token ring of {threads} threads: cost per context switch",
                  values[f"ring_pass_switch_cost_{threads}t_ns"] / 1000,
                  values["ring_pass_switch_cost_2t_ns"] / 1000, "the same ring of 2 threads", "us",
                  goal="ratio <= 1.3", goal_met=met, note="" if met else RING_SWITCH_NOTE)
    for threads in (2, 8):
        table.add(section, f"{threads} threads x 25 mutex-protected steps: schedules/s (random strategy)",
                  values[f"schedules_per_s_{threads}t_weft"], values[f"schedules_per_s_{threads}t_native"],
                  "same test run natively, runs/s", "runs/s",
                  goal="weft >= 2,000 runs/s" if threads == 2 else "",
                  goal_met=values["schedules_per_s_2t_weft"] >= 2000 if threads == 2 else None)
    table.add(section, "pool of 2 workers, 4 jobs, results through std::future: schedules/s (random strategy)",
              values["schedules_per_s_pool_future_weft"], values["schedules_per_s_pool_mutex_weft"],
              "same pool, results through std::mutex + condvar, schedules/s", "runs/s")


# --- 5. hooks --------------------------------------------------------------------------------------
def bench_hooks(table, build, quick):
    section = "5. instrument hooks"
    print(section, flush=True)
    completed = subprocess.run(
        [os.path.join(build, "bench", "bench_hooks"), "--benchmark_format=json",
         "--benchmark_repetitions=%d" % (3 if quick else 15), "--benchmark_enable_random_interleaving=true",
         "--benchmark_min_time=%s" % ("0.05" if quick else "0.2")],
        capture_output=True, text=True, timeout=600)
    if completed.returncode != 0:
        raise RuntimeError(f"bench_hooks failed: {completed.stderr[-400:]}")
    medians = {}
    for entry in json.loads(completed.stdout)["benchmarks"]:
        if entry.get("run_type") == "aggregate" and entry.get("aggregate_name") == "median":
            medians[entry["run_name"]] = 1e9 / entry["items_per_second"]
    for workload, what, plain_access in (
            ("increment_array", "plain read + write of an int array, per element", True),
            ("load_through_pointers", "plain load through a pointer, per load", True),
            ("atomic_fetch_add", "std::atomic fetch_add (relaxed), per operation", False),
            ("atomic_load", "std::atomic load (acquire), per operation", False)):
        instrumented, plain, floor = (medians[f"{workload}/{build_kind}"]
                                      for build_kind in ("instrumented", "plain", "call_floor"))
        met = instrumented <= 2 * plain if plain_access else None
        note = ""
        if met is False:
            note = ("floor: a call per access, which the compiler emits and which stops vectorization: "
                    f"{floor:.3g} ns with an empty function called instead ({floor / plain:.2f}x); "
                    "the hook itself is a load and a branch")
        table.add(section, f"outside a run: {what}", instrumented, plain, "same code without weft_instrument", "ns",
                  goal="ratio <= 2" if plain_access else "", goal_met=met, note=note)
        table.add(section, f"outside a run: {what}", instrumented, floor,
                  "same code calling an empty function per access instead", "ns")


# --- 6. weft explore -------------------------------------------------------------------------------
def find_weft_cli(build):
    for directory in (os.path.join(build, "src", "cli"), os.path.join(build, "bin"), build):
        candidate = os.path.join(directory, "weft")
        if os.path.isfile(candidate) and os.access(candidate, os.X_OK):
            return candidate
    return None


def bench_cli(table, build, quick):
    section = "6. weft explore"
    print(section, flush=True)
    cli = find_weft_cli(build)
    baseline_name = "weft::explore in-process, same test"
    if cli is None:
        for jobs in (1, 2):
            table.add(section, f"`weft explore --jobs {jobs}`, 2 threads x 25 steps: runs/s", "not built", None,
                      baseline_name, "runs/s", note="the build has no `weft` executable")
        return
    target = os.path.join(build, "bench", "bench_cli_target")
    inprocess = os.path.join(build, "bench", "bench_cli_inprocess")
    runs = 60 if quick else 300
    repetitions = 1 if quick else 3
    # Each configuration: (label, jobs, extra options). The fork server is the default; --exec-each-run
    # is how every run started before it, and the row the fork server is measured against.
    configurations = [("forked at main", 1, []), ("forked at main", 2, []),
                      ("`--exec-each-run`", 1, ["--exec-each-run"]), ("`--exec-each-run`", 2, ["--exec-each-run"])]
    rates = {index: [] for index in range(len(configurations))}
    rates["in"] = []
    errors = {}
    summary_path = os.path.join(build, "bench-explore-summary.json")
    for _ in range(repetitions):
        for index, (label, jobs, extra) in enumerate(configurations):
            command = [cli, "explore", "-n", str(runs), "--jobs", str(jobs), "--strategy", "random", "--seed", "1",
                       "--quiet", "--json", summary_path, *extra, "--", target]
            elapsed, completed = timed_run(command, timeout=600)
            if completed.returncode != 0:
                errors[index] = f"exit {completed.returncode}: " + (completed.stderr.strip().splitlines() or [""])[-1][:160]
                continue
            # The summary proves the runs were controlled schedules, not merely executions, and says
            # whether they were forked.
            with open(summary_path) as summary_file:
                summary = json.load(summary_file)
            if summary.get("runs") != runs or summary.get("uncontrolled_runs", 0) != 0:
                errors[index] = (f"summary says {summary.get('runs')} runs, "
                                 f"{summary.get('uncontrolled_runs')} uncontrolled")
                continue
            if summary.get("fork_server") != (not extra):
                errors[index] = f"summary says fork_server {summary.get('fork_server')}"
                continue
            rates[index].append(runs / elapsed)
        inprocess_values = run_lines([inprocess, "500" if quick else "1000"], timeout=60)
        rates["in"].append(inprocess_values["inprocess_runs_per_s"])
        rates.setdefault("forked in", []).append(inprocess_values["fork_each_run_runs_per_s"])
    inprocess_rate = statistics.median(rates["in"])
    fork_floor = statistics.median(rates["forked in"])
    table.add(section, "weft::explore with fork_each_run, same test: runs/s", fork_floor, inprocess_rate,
              baseline_name, "runs/s",
              note="each run a child fork()ed by the test process itself: the floor of a process per run")
    for index, (label, jobs, extra) in enumerate(configurations):
        value = statistics.median(rates[index]) if rates[index] else "failed"
        measured_goal = not extra and jobs == 1 and isinstance(value, float)
        note = errors.get(index, "wall time of the command, each run a process, checked with --json")
        if measured_goal and value / inprocess_rate < 0.8:
            note += (f"; {value / fork_floor:.2f}x the fork_each_run floor above: a process per run costs the "
                     "kernel's fork, copy-on-write faults and exit, more than a whole in-process run")
        table.add(section, f"`weft explore --jobs {jobs} -n {runs}`, {label}, 2 threads x 25 steps: runs/s", value,
                  inprocess_rate, baseline_name, "runs/s", goal="ratio >= 0.8" if not extra and jobs == 1 else "",
                  goal_met=(value / inprocess_rate >= 0.8) if measured_goal else None, note=note)


# --- 7. and 8. runs to first bug -----------------------------------------------------------------------
def schedules_to_bug(table, section, exe, strategies, seeds, max_schedules):
    """Runs `exe <program> <seeds> <max>` for every program `exe --list` names and adds, per strategy, the
    median schedules to the bug over the seeds (not found counts as infinite) and how many seeds found it."""
    programs = subprocess.run([exe, "--list"], capture_output=True, text=True, check=True).stdout.split()
    for program in programs:
        completed = subprocess.run([exe, program, str(seeds), str(max_schedules)], capture_output=True, text=True,
                                   timeout=3600)
        if completed.returncode != 0:
            raise RuntimeError(f"{os.path.basename(exe)} {program} failed: {completed.stderr[-400:]}")
        found = {}
        for line in completed.stdout.splitlines():
            _, strategy, _, schedules = line.split("\t")
            found.setdefault(strategy, []).append(int(schedules) if schedules.isdigit() else schedules)

        def median_of(strategy):
            values = found[strategy]
            numeric = sorted(v if isinstance(v, int) else float("inf") for v in values)
            middle = statistics.median(numeric)
            hits = sum(isinstance(v, int) for v in values)
            if middle == float("inf"):
                return f"> {max_schedules:,}", hits, len(values)
            return middle, hits, len(values)

        random_median, _, _ = median_of("random")
        for strategy in strategies:
            value, hits, total = median_of(strategy)
            if strategy == "dfs":
                raw = found["dfs"][0]
                note = "deterministic, one run" + (
                    "; bounded search space exhausted (preemption bound 2)" if raw == "not_found_space_covered" else "")
                figure = f"{program}: dfs"
            else:
                note = f"found {hits}/{total}"
                figure = f"{program}: {strategy}, median of {total} seeds"
            table.add(section, figure, value, random_median if strategy != "random" else None,
                      "random" if strategy != "random" else "", "schedules", note=note)


def bench_first_bug(table, build, quick):
    section = "7. schedules to first bug"
    print(section, flush=True)
    schedules_to_bug(table, section, os.path.join(build, "bench", "bench_first_bug"),
                     ("random", "pct", "pos", "surw", "rff", "dfs", "portfolio"), 5 if quick else 20,
                     2000 if quick else 10000)


# --- 8. deep bugs ----------------------------------------------------------------------------------
def bench_deep_bugs(table, build, quick):
    section = "8. deep bug classes"
    print(section, flush=True)
    schedules_to_bug(table, section, os.path.join(build, "bench", "bench_deep_bugs"),
                     ("random", "pct", "pos", "surw", "rff", "portfolio"), 5 if quick else 20,
                     300 if quick else 2000)


# --- 9. census ---------------------------------------------------------------------------------------
def bench_census(table, build, quick):
    section = "9. census"
    print(section, flush=True)
    target = os.path.join(build, "bench", "bench_census")
    baseline_name = "/proc/self/task listing + one stat read per thread"
    for threads in ([100, 1000] if quick else [100, 1000, 5000]):
        values = run_lines([target, str(threads), "5" if quick else "21"], timeout=120)
        # The goal is a ratio, as a loaded machine slows the /proc reads of both alike.
        goal, met = "within 2x the /proc baseline", values["census_ms"] <= 2 * values["proc_ms"]
        table.add(section, f"{threads:,} threads at 4 sites: weft::census() (no stacks), warm median",
                  values["census_ms"], values["proc_ms"], baseline_name, "ms", goal, met)
        table.add(section, f"{threads:,} threads: weft::census_prometheus(), warm median", values["prometheus_ms"],
                  values["proc_ms"], baseline_name, "ms")
        table.add(section, f"{threads:,} threads: first census in the process (symbolizes the sites)",
                  values["census_cold_ms"], values["proc_ms"], baseline_name, "ms")


# --- the report ------------------------------------------------------------------------------------
def machine_description():
    model = "unknown CPU"
    with open("/proc/cpuinfo") as cpuinfo:
        for line in cpuinfo:
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    memory_kb = 0
    with open("/proc/meminfo") as meminfo:
        for line in meminfo:
            if line.startswith("MemTotal:"):
                memory_kb = int(line.split()[1])
    return (f"{model}, {os.cpu_count()} CPUs (nproc {len(os.sched_getaffinity(0))}), "
            f"{memory_kb / 1024 / 1024:.0f} GiB RAM, Linux {platform.release()}")


def git_revision():
    try:
        head = subprocess.run(["git", "-C", ROOT, "rev-parse", "--short", "HEAD"], capture_output=True, text=True,
                              check=True).stdout.strip()
        dirty = subprocess.run(["git", "-C", ROOT, "status", "--porcelain", "--untracked-files=no"],
                               capture_output=True, text=True).stdout.strip()
        return head + (" with uncommitted changes" if dirty else "")
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def write_markdown(path, table, header):
    lines = ["# weft benchmarks", "", *header, "",
             "| section | figure | weft | baseline | baseline is | weft / baseline | goal | note |",
             "|---|---|---:|---:|---|---:|---|---|"]
    for row in table.rows:
        goal = row["goal"]
        if row["goal_met"] is not None:
            goal += " (met)" if row["goal_met"] else " (**missed**)"
        unit = f" {row['unit']}" if row["unit"] and not isinstance(row["weft"], str) else ""
        baseline_unit = f" {row['unit']}" if row["unit"] and isinstance(row["baseline"], (int, float)) else ""
        ratio = f"{row['ratio']:.3f}" if row["ratio"] is not None else ""
        lines.append(f"| {row['section']} | {row['figure']} | {fmt(row['weft'])}{unit} | "
                     f"{fmt(row['baseline'])}{baseline_unit} | {row['baseline_name']} | {ratio} | {goal} | "
                     f"{row['note']} |")
    with open(path, "w") as out:
        out.write("\n".join(lines) + "\n")


def write_csv(path, table):
    with open(path, "w", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["section", "figure", "weft", "baseline", "baseline_is", "unit", "ratio", "goal", "goal_met",
                         "note"])
        for row in table.rows:
            writer.writerow([row["section"], row["figure"], row["weft"], "" if row["baseline"] is None else row["baseline"],
                             row["baseline_name"], row["unit"],
                             "" if row["ratio"] is None else f"{row['ratio']:.4f}", row["goal"],
                             "" if row["goal_met"] is None else ("yes" if row["goal_met"] else "no"), row["note"]])


SECTIONS = {
    "teardown": bench_teardown,
    "settle": bench_settle,
    "snapshot": bench_snapshot,
    "scheduler": bench_scheduler,
    "hooks": bench_hooks,
    "cli": bench_cli,
    "first_bug": bench_first_bug,
    "deep_bugs": bench_deep_bugs,
    "census": bench_census,
}


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--build", required=True, help="the Release build directory with bench/ built")
    parser.add_argument("--quick", action="store_true", help="fewer repetitions: about two minutes")
    parser.add_argument("--only", action="append", choices=sorted(SECTIONS), help="run only these sections")
    parser.add_argument("--out", required=True, help="where to write <out>.md and <out>.csv")
    args = parser.parse_args()

    started = time.time()
    load_before = os.getloadavg()
    table = Table()
    failures = []
    for name, function in SECTIONS.items():
        if args.only and name not in args.only:
            continue
        try:
            function(table, args.build, args.quick)
        except (RuntimeError, subprocess.SubprocessError, OSError, KeyError, ValueError) as error:
            failures.append(f"{name}: {error}")
            print(f"  section {name} failed: {error}", file=sys.stderr, flush=True)
    elapsed = time.time() - started
    load_after = os.getloadavg()
    header = [
        f"- Finished {datetime.datetime.now().astimezone().strftime('%Y-%m-%d %H:%M %Z')}, "
        f"{'quick mode' if args.quick else 'full run'}, {elapsed / 60:.1f} minutes, weft {git_revision()}.",
        f"- Machine: {machine_description()}.",
        f"- Load average (1 min) {load_before[0]:.2f} before, {load_after[0]:.2f} after: other work on the machine "
        "shows here. Every ratio compares figures measured in this run, alternating where they can.",
        "- Built with bench/run: Release, GCC " + platform_compiler(args.build) + ". How to read it: docs/bench.md.",
    ]
    if failures:
        header.append("- Sections that failed: " + "; ".join(failures))
    write_markdown(args.out + ".md", table, header)
    write_csv(args.out + ".csv", table)
    print(open(args.out + ".md").read())
    return 1 if failures else 0


def platform_compiler(build):
    cache = os.path.join(build, "CMakeCache.txt")
    try:
        with open(cache) as text:
            for line in text:
                if line.startswith("CMAKE_CXX_COMPILER:"):
                    compiler = line.split("=", 1)[1].strip()
                    version = subprocess.run([compiler, "-dumpfullversion"], capture_output=True, text=True).stdout
                    return version.strip()
    except OSError:
        pass
    return "unknown"


if __name__ == "__main__":
    sys.exit(main())
