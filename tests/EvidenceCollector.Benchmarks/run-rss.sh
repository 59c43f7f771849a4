#!/bin/bash
# RSS of `evidence run` (the long-running worker) over scheduled runs against the emulated estate in its own
# process, for one glibc trim interval (Pipeline:NativeHeapTrimInterval; 00:00:00 turns the trim off).
# Usage: run-rss.sh <interval> <seconds> [tag]   e.g. run-rss.sh 00:00:01 170 on; run-rss.sh 00:00:00 170 off
# Prints the peak RSS and the mean and minimum after the first 30 s (between and during later runs).
set -u
trim=$1; secs=$2; tag=${3:-$1}
root=$(cd "$(dirname "$0")/../.." && pwd)
bin=$root/src/EvidenceCollector.Cli/bin/Release/net10.0/evidence
[ -x "$bin" ] || dotnet build "$root/src/EvidenceCollector.Cli" -c Release >/dev/null
work=$(mktemp -d "${TMPDIR:-/tmp}/run-rss.XXXX")
trap 'kill $rpid $epid 2>/dev/null; rm -rf "$work"' EXIT
"$bin" estate serve --generate 1x2x2500 > "$work/estate.out" 2>&1 &
epid=$!
for _ in $(seq 100); do grep -q "http://" "$work/estate.out" && break; sleep 0.2; done
url=$(grep -o 'http://127.0.0.1:[0-9]*' "$work/estate.out" | head -1)
cat > "$work/schedule.json" <<JSON
{ "Schedules": { "often": { "Cron": "0/30 * * * * ?" } }, "Aws": { "Regions": ["eu-west-1", "us-east-1"], "HomeRegion": "us-east-1" } }
JSON
export AWS_ENDPOINT_URL=$url AWS_REGION=us-east-1
export AWS_ACCESS_KEY_ID=$(grep -o 'AWS_ACCESS_KEY_ID=[^ ]*' "$work/estate.out" | cut -d= -f2)
export AWS_SECRET_ACCESS_KEY=$(grep -o 'AWS_SECRET_ACCESS_KEY=[^ ]*' "$work/estate.out" | cut -d= -f2)
export EVIDENCE__Pipeline__NativeHeapTrimInterval=$trim
"$bin" run --data "$work/data" --config "$work/schedule.json" > "$work/run.out" 2>&1 &
rpid=$!
for i in $(seq $((secs * 2))); do
  r=$(awk '/VmRSS/{print $2}' /proc/$rpid/status 2>/dev/null) || break
  [ -z "$r" ] && break
  echo "$i $r" >> "$work/rss.txt"; sleep 0.5
done
kill -TERM $rpid; wait $rpid 2>/dev/null
runs=$("$bin" runs --data "$work/data" 2>/dev/null | grep -c sealed)
awk -v tag="$tag" -v trim="$trim" -v runs="$runs" '{ r = $2 / 1024; if (r > peak) peak = r; if (NR > 60) { if (min == "" || r < min) min = r; s += r; n++ } }
  END { printf "%s (trim %s): peak %d MiB; after 30 s: mean %d MiB, min %d MiB; %d sealed runs\n", tag, trim, peak, s / n, min, runs }' "$work/rss.txt"
