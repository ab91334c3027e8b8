#!/bin/sh
# The runbook of docs/production.md on the example service: start it, take a census, send 20 requests
# to one path, take another, and diff the two. The site that grew is the leak.
#   find_the_leak.sh WEFT LEAKY_SERVICE [PATH]     PATH: /report (leaks, the default) or /work (does not)
set -eu
weft=$1
service=$2
path=${3:-/report}
dir=$(mktemp -d)
"$service" >"$dir/service.out" &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf "$dir"' EXIT

# The service prints its ports once it listens; wait for that line, at most 10 s.
tries=0
until grep -q "census on" "$dir/service.out"; do
  tries=$((tries + 1))
  [ $tries -le 100 ] || { echo "find_the_leak: the service did not start" >&2; exit 1; }
  sleep 0.1
done
cat "$dir/service.out"
app_port=$(sed -n 's/.*app on 127\.0\.0\.1:\([0-9]*\),.*/\1/p' "$dir/service.out")

"$weft" dump "$pid" -o "$dir/before.json"
for i in $(seq 20); do
  curl -sf --max-time 5 "http://127.0.0.1:$app_port$path" >/dev/null
done
"$weft" dump "$pid" -o "$dir/after.json"
# Exits 1 when a site grew: that is the finding, not a failure of this script.
"$weft" diff "$dir/before.json" "$dir/after.json" || [ $? -eq 1 ]
