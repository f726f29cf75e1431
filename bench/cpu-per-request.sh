#!/usr/bin/env bash
# The server's own CPU time per request (user + system, from /proc/<pid>/stat), its req/s
# and its peak RSS, under N requests of one kind at concurrency 50. On a shared machine
# CPU per request moves far less between runs than req/s does: compare two builds by
# alternating them for a few rounds.
#
#   bench/cpu-per-request.sh BIN legacy|standard post|get [N]
#   for r in 1 2 3 4; do for b in /tmp/old /tmp/new; do bench/cpu-per-request.sh $b legacy post; done; done
#
# BIN is a kling-mock binary, or the lab's baseline-axum (its path ends in baseline-axum).
# Needs oha and the shared lab's token (../shared/bench/fixtures/jwt.txt).
set -euo pipefail
BIN=$1 KIND=$2 OP=$3 N=${4:-60000}
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
OHA="$(command -v oha || echo "$HOME/.cargo/bin/oha")"
PORT=$((18300 + RANDOM % 500))
if [[ "$BIN" == *baseline-axum ]]; then
  "$BIN" "$PORT" >/dev/null 2>&1 &
else
  "$BIN" --port "$PORT" --account bench-access-key:bench-secret-key --api-key bench-api-key=bench-access-key \
    --latency instant --task-capacity 10000 --seed 1 >/dev/null 2>&1 &
fi
PID=$!
trap 'kill $PID 2>/dev/null || true' EXIT
sleep 0.5
if [ "$KIND" = legacy ]; then
  AUTH="Bearer $(cat "$ROOT/../shared/bench/fixtures/jwt.txt")" CREATE=/v1/videos/text2video BODY="$ROOT/bench/legacy-request.json"
else
  AUTH="Bearer bench-api-key" CREATE=/text-to-video/kling-3.0 BODY="$ROOT/bench/standard-request.json"
fi
BASE="http://127.0.0.1:$PORT"
ID=$(curl -s -X POST -H "Authorization: $AUTH" -H 'content-type: application/json' --data "@$BODY" "$BASE$CREATE" |
  python3 -c 'import json, sys; d = json.load(sys.stdin).get("data") or {}; print(d.get("task_id") or d.get("id") or "x")' || echo x)
if [ "$KIND" = legacy ]; then QUERY="$CREATE/$ID"; else QUERY="/tasks?task_ids=$ID"; fi
if [ "$OP" = post ]; then ARGS=(-m POST -H 'content-type: application/json' -D "$BODY" "$BASE$CREATE"); else ARGS=("$BASE$QUERY"); fi
"$OHA" --no-tui -n 5000 -c 50 -H "Authorization: $AUTH" "${ARGS[@]}" >/dev/null
TICKS_BEFORE=$(awk '{print $14 + $15}' "/proc/$PID/stat")
OUT=$("$OHA" --no-tui -n "$N" -c 50 -H "Authorization: $AUTH" "${ARGS[@]}")
TICKS_AFTER=$(awk '{print $14 + $15}' "/proc/$PID/stat")
HWM_KB=$(awk '/VmHWM/ {print $2}' "/proc/$PID/status")
RPS=$(awk '/Requests\/sec/ {print $2}' <<<"$OUT")
OK=$(awk '/Success rate/ {print $3}' <<<"$OUT")
HZ=$(getconf CLK_TCK)
python3 - "$(basename "$BIN")" "$KIND" "$OP" "$TICKS_BEFORE" "$TICKS_AFTER" "$HZ" "$N" "$RPS" "$OK" "$HWM_KB" <<'EOF'
import sys
name, kind, op, before, after, hz, n, rps, ok, hwm = sys.argv[1:]
cpu_us = (float(after) - float(before)) / float(hz) * 1e6 / int(n)
print(f"{name:16s} {kind:8s} {op:4s} cpu/request {cpu_us:6.1f} us  req/s {float(rps):8.0f}  success {ok}  peak RSS {int(hwm) // 1024} MiB")
EOF
