#!/bin/bash
# Regenerates the /proc fixtures in this directory from real processes of the machine it runs on, each
# put into a known state first. Run it by hand when a kernel changes a format: ./capture.sh
set -euo pipefail
cd "$(dirname "$0")"
work=$(mktemp -d)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill -KILL "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

# The kernel copies comm from the executable's file name, so a copy of sleep named with spaces and
# parentheses gives a stat line whose comm only the last ')' can delimit.
cp "$(command -v sleep)" "$work/we) ird (na)me"
"$work/we) ird (na)me" 60 &
pids+=($!)
sleeper=$!

# A reader blocked in read() on a pipe, with SIGUSR1 and SIGRTMIN+6 blocked so SigBlk is not zero.
mkfifo "$work/fifo"
python3 -c '
import os, signal
signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGUSR1, signal.SIGRTMIN + 6})
os.read(0, 1)' <"$work/fifo" &
pids+=($!)
reader=$!
exec 3>"$work/fifo"

# A thread parked in a futex wait: Python's Event.wait sits in sem_wait.
python3 -c 'import threading; threading.Event().wait()' &
pids+=($!)
waiter=$!

# A thread that never makes a system call, then the same thread stopped outside any call.
perl -e '1 while 1' &
pids+=($!)
spinner=$!

sleep 0.5
cat "/proc/$sleeper/stat" >stat_comm_with_parens.txt
cat "/proc/$sleeper/syscall" >syscall_clock_nanosleep.txt
cat "/proc/$reader/status" >status_blocked_signals.txt
cat "/proc/$reader/syscall" >syscall_read.txt
cat "/proc/$waiter/syscall" >syscall_futex.txt
cat "/proc/$spinner/stat" >stat_running.txt
cat "/proc/$spinner/syscall" >syscall_running.txt
kill -STOP "$spinner"
sleep 0.2
cat "/proc/$spinner/stat" >stat_stopped.txt
cat "/proc/$spinner/syscall" >syscall_outside_call.txt
exec 3>&-
echo "captured on $(uname -sr)" >CAPTURED_ON
