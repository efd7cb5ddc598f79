#!/usr/bin/env bash
# lnav-rss.sh puts a figure beside tui-rss.sh's: what lnav, the usual
# terminal log viewer, keeps resident for the same generated access log.
# It runs `slstail serve` generating the demo's access log at RATE logs/s,
# writes LINES of it to a file with `slstail tail -o raw` (one line of
# key=value text a log, the same 20 fields slstail buffers), and loads it in
# `lnav -n` (headless: it reads and indexes the file, then exits), reading
# lnav's peak RSS from GNU time. Linux, lnav and /usr/bin/time only.
#
#   scripts/lnav-rss.sh [BIN] [LINES] [RATE]     defaults: a fresh build, 1000000, 100000
#
# lnav keeps an index of the file and reads lines from it when shown, so
# its RSS holds little of the text: the text stays in the file (and the
# page cache). slstail's buffer is the only copy of what it shows, all in
# its RSS (tui-rss.sh). The file's size a line is printed beside lnav's
# figure so that the two can be compared whole.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v lnav >/dev/null || { echo "lnav-rss.sh: lnav is not installed (apt-get install lnav)" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "lnav-rss.sh: GNU time (/usr/bin/time) is not installed" >&2; exit 2; }
bin=${1:-}
lines=${2:-1000000}
rate=${3:-100000}
work=$(mktemp -d)
trap 'kill "$srv" 2>/dev/null || true; rm -rf "$work"' EXIT
if [ -z "$bin" ]; then
  bin=$work/slstail
  go build -o "$bin" .
fi
port=$((20000 + RANDOM % 20000))
export XDG_STATE_HOME=$work/state XDG_CONFIG_HOME=$work/config HOME=$work
export ALIBABA_CLOUD_ACCESS_KEY_ID=rssid ALIBABA_CLOUD_ACCESS_KEY_SECRET=rss-secret-0123456789
"$bin" serve --addr 127.0.0.1:$port --access-key-id rssid --access-key-secret rss-secret-0123456789 \
  --generate "$rate" --retention-mb 2000 >"$work/serve.log" 2>&1 &
srv=$!
sleep 1
"$bin" tail --endpoint 127.0.0.1:$port --project demo --logstore access --from begin \
  --max "$lines" -o raw >"$work/access.log"
kill "$srv"
bytes=$(stat -c %s "$work/access.log")
n=$(wc -l <"$work/access.log")
# The query makes lnav say how many lines it indexed, so that a figure for
# a file it read only in part cannot pass unnoticed.
/usr/bin/time -v lnav -n -c ';SELECT lines FROM lnav_file' "$work/access.log" >"$work/out" 2>"$work/time"
indexed=$(tail -1 "$work/out" | tr -dc 0-9)
peak=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$work/time")
echo "lines=$n indexed=$indexed file=$((bytes / n))B/line lnav_peak=${peak}kB rss_per_line=$((peak * 1024 / n))B ($(lnav -V))"
