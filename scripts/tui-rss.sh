#!/usr/bin/env bash
# tui-rss.sh measures the TUI's resident memory per buffered line: it runs
# `slstail serve` generating the demo's access log at RATE logs/s, opens
# the TUI on it in a detached tmux session with a buffer of LINES lines
# from the end, waits until the buffer is full, and reads the process's
# RSS (and its peak) and its CPU use from /proc. Linux and tmux only.
#
#   scripts/tui-rss.sh [BIN] [LINES] [RATE]     defaults: a fresh build, 1000000, 30000
#
# GOGC in the environment is passed on (the TUI otherwise runs at 25). The
# last line of the collector's trace is printed too: the live heap after
# the last collection, against which RSS is compared.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${1:-}
lines=${2:-1000000}
rate=${3:-30000}
work=$(mktemp -d)
trap 'tmux kill-session -t "slstail-rss-$$" 2>/dev/null || true; kill "$srv" 2>/dev/null || true; rm -rf "$work"' EXIT
if [ -z "$bin" ]; then
  bin=$work/slstail
  go build -o "$bin" .
fi
port=$((20000 + RANDOM % 20000))
export XDG_STATE_HOME=$work/state XDG_CONFIG_HOME=$work/config
"$bin" serve --addr 127.0.0.1:$port --access-key-id rssid --access-key-secret rss-secret-0123456789 \
  --generate "$rate" --retention-mb 2000 >"$work/serve.log" 2>&1 &
srv=$!
sleep 1
tmux new-session -d -s "slstail-rss-$$" -x 200 -y 50 \
  "GODEBUG=gctrace=1 ${GOGC:+GOGC=$GOGC} SLSTAIL_BUFFER_LINES=$lines ALIBABA_CLOUD_ACCESS_KEY_ID=rssid ALIBABA_CLOUD_ACCESS_KEY_SECRET=rss-secret-0123456789 $bin --endpoint 127.0.0.1:$port --project demo --logstore access --from end 2>$work/gctrace; sleep 60"
sleep 1
pid=$(pgrep -f "^$bin --endpoint 127.0.0.1:$port" | head -1)
for _ in $(seq 1 600); do
  sleep 1
  n=$(tmux capture-pane -p -t "slstail-rss-$$" | grep -o 'lines [0-9,]*' | head -1 | tr -dc 0-9)
  [ -n "$n" ] && [ "$n" -ge "$lines" ] && break
done
# CPU over ten seconds with the buffer full: what keeping it costs.
ticks() { awk '{print $14 + $15}' /proc/$pid/stat; }
t0=$(ticks)
sleep 10
cpu=$(( ($(ticks) - t0) * 100 / $(getconf CLK_TCK) / 10 ))
rss=$(awk '/VmRSS/ {print $2}' /proc/$pid/status)
hwm=$(awk '/VmHWM/ {print $2}' /proc/$pid/status)
echo "lines=$n rss=${rss}kB peak=${hwm}kB rss_per_line=$((rss * 1024 / lines))B cpu=${cpu}%_of_a_core rate=${rate}/s GOGC=${GOGC:-tui default}"
echo "last collection: $(grep '^gc ' "$work/gctrace" | tail -1)"
