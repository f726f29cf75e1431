#!/usr/bin/env bash
# Measures the emulator side by side with WireMock, Prism, mountebank, Mockoon and a bare
# axum server in one run of the shared bench lab (../shared/bench), on this machine, on two
# workloads: the legacy one (`POST /v1/videos/text2video` with an AK/SK token, `GET
# .../{id}`) and the new-standard one (`POST /text-to-video/kling-3.0` with an API key, `GET
# /tasks?task_ids={id}`). The built-in peers only serve the legacy workload; the bare axum
# server answers any path, so it is the ceiling of both.
#
#   bench/lab.sh                 # all peers + the emulator, then the new-standard workload (about 6 minutes of load)
#   bench/lab.sh --quick         # the bare axum server and the emulator only, both workloads
#   bench/lab.sh --only          # the emulator alone, both workloads
#
# The lab is copied to target/bench-lab (shared/ is read-only), its peers installed with
# npm (not for --quick and --only), the load generator oha installed with cargo, the
# emulator built in release. Results: target/bench-lab/results-peers.md and raw/<run>/,
# the runs tagged <TAG>-legacy and <TAG>-standard.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
LAB_SRC="${BENCH_LAB:-$ROOT/../shared/bench}"
LAB="$ROOT/target/bench-lab"
TAG="${TAG:-$(date -u +%Y%m%dT%H%M%SZ)}"
MODE="${1:-}"

command -v oha >/dev/null || [ -x "$HOME/.cargo/bin/oha" ] || cargo install oha --locked
if [ ! -d "$LAB/baseline-axum" ]; then
  rm -rf "$LAB" && mkdir -p "$LAB" && cp -r "$LAB_SRC/." "$LAB/" && chmod -R u+w "$LAB"
fi
if [ -z "$MODE" ] && [ ! -d "$LAB/node_modules" ]; then
  (cd "$LAB" && npm ci --no-audit --no-fund)
fi
(cd "$LAB/baseline-axum" && cargo build --release --quiet)
[ -n "${KLING_MOCK_BIN:-}" ] || (cd "$ROOT" && cargo build --release --quiet -p kling-mock)

# The lab's JWT is signed for bench-access-key / bench-secret-key; the API key is bound to
# the same account. Tasks finish at once (--latency instant) and at most 10,000 are kept, as
# a long-running CI emulator would be configured; GETs of an evicted task still do all the
# work (auth, lookup) but answer 404 on the legacy path (counted as non-2xx by the lab) and
# 200 with `data: []` on /tasks: run with CAPACITY=2000000 to keep every task.
API_KEY="bench-api-key"
# KLING_MOCK_BIN measures another build (an older commit, the profiling profile) instead.
BIN="${KLING_MOCK_BIN:-$ROOT/target/release/kling-mock}"
EMULATOR="$BIN --port {port} --account bench-access-key:bench-secret-key \
--api-key $API_KEY=bench-access-key --latency instant --task-capacity ${CAPACITY:-10000} --seed 1"
# The shared lab's own body asks for kling-v1, which today's API refuses (retired on
# 2026-09-15): the emulator's legacy workload uses the same body with a current model, so
# it measures creates, not rejections. The peers keep the lab's body; they answer any.
LEGACY=(--body "$ROOT/bench/legacy-request.json")
STANDARD=(--post-path /text-to-video/kling-3.0 --get-path '/tasks?task_ids={id}'
  --body "$ROOT/bench/standard-request.json" --jwt "$API_KEY")
export PATH="$HOME/.cargo/bin:$PATH"
cd "$LAB"
run() { ./run-peers.sh "$@" --cmd "$EMULATOR" --port 18090 --ready-codes '^(2|4)'; }
case "$MODE" in
  --only)
    run --only emulator --tag "$TAG-legacy" "${LEGACY[@]}"
    run --only emulator --tag "$TAG-standard" "${STANDARD[@]}"
    ;;
  --quick)
    run --peers baseline-axum --add emulator --tag "$TAG-legacy" "${LEGACY[@]}"
    run --peers baseline-axum --add emulator --tag "$TAG-standard" "${STANDARD[@]}"
    ;;
  "")
    run --add emulator --tag "$TAG-legacy" "${LEGACY[@]}"
    run --peers baseline-axum --add emulator --tag "$TAG-standard" "${STANDARD[@]}"
    ;;
  *) sed -n '2,16p' "$0"; exit 2 ;;
esac
