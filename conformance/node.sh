#!/usr/bin/env bash
# Round trip through `slstail serve` with the Node SLS client (@alicloud/log,
# pinned in node/package-lock.json): conformance/node/roundtrip.mjs puts 101
# logs with tags and reads them back. Skips when node or npm is missing.
#
#   conformance/node.sh [path/to/slstail]     (default: build one)
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  echo "node or npm missing: the Node round trip skips"
  exit 0
fi

work=$(mktemp -d)
server=""
cleanup() {
  if [ -n "$server" ]; then kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

slstail=${1:-}
if [ -z "$slstail" ]; then
  slstail="$work/slstail"
  go build -o "$slstail" .
fi

cp conformance/node/package.json conformance/node/package-lock.json conformance/node/roundtrip.mjs "$work/"
(cd "$work" && npm ci --no-audit --no-fund --ignore-scripts --loglevel=error)

export SLSD_ACCESS_KEY_ID=LTAInoderoundtrip SLSD_ACCESS_KEY_SECRET=node-roundtrip-secret-0123456789
"$slstail" serve --addr 127.0.0.1:0 >"$work/serve.out" 2>"$work/serve.err" &
server=$!
endpoint=""
for _ in $(seq 100); do
  endpoint=$(sed -n 's/^slsd listening on \([0-9.]*:[0-9]*\)$/\1/p' "$work/serve.out")
  [ -n "$endpoint" ] && break
  kill -0 "$server" 2>/dev/null || break
  sleep 0.1
done
if [ -z "$endpoint" ]; then
  echo "slstail serve printed no endpoint:"; cat "$work/serve.out" "$work/serve.err"; exit 1
fi
node --version
SLSD_ENDPOINT=$endpoint node "$work/roundtrip.mjs"
