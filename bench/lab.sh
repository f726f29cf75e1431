#!/usr/bin/env bash
# Measures the emulator side by side with WireMock, Prism, mountebank, Mockoon and a bare
# axum server in one run of the shared bench lab (../shared/bench), on this machine.
#
#   bench/lab.sh                 # all peers + the emulator (about 4 minutes of load)
#   bench/lab.sh --only          # the emulator alone
#
# The lab is copied to target/bench-lab (shared/ is read-only), its peers installed with
# npm, the load generator oha installed with cargo, the emulator built in release. Results:
# target/bench-lab/results-peers.md and raw/<run>/.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
LAB_SRC="${BENCH_LAB:-$ROOT/../shared/bench}"
LAB="$ROOT/target/bench-lab"
TAG="${TAG:-$(date -u +%Y%m%dT%H%M%SZ)}"

command -v oha >/dev/null || [ -x "$HOME/.cargo/bin/oha" ] || cargo install oha --locked
if [ ! -d "$LAB/node_modules" ]; then
  rm -rf "$LAB" && mkdir -p "$LAB" && cp -r "$LAB_SRC/." "$LAB/" && chmod -R u+w "$LAB"
  (cd "$LAB" && npm ci --no-audit --no-fund)
fi
(cd "$LAB/baseline-axum" && cargo build --release --quiet)
(cd "$ROOT" && cargo build --release --quiet -p kling-mock)

# The lab's JWT is signed for bench-access-key / bench-secret-key. Tasks finish at once
# (--latency instant) and at most 10,000 are kept, as a long-running CI emulator would be
# configured; GETs of an evicted task still do all the work (auth, lookup) but answer 404,
# so the lab counts them as non-2xx: run with --task-capacity 2000000 for 2xx GETs.
EMULATOR="$ROOT/target/release/kling-mock --port {port} --account bench-access-key:bench-secret-key --latency instant --task-capacity ${CAPACITY:-10000} --seed 1"
cd "$LAB"
if [ "${1:-}" = "--only" ]; then
  ./run-peers.sh --only emulator --cmd "$EMULATOR" --port 18090 --ready-codes '^(2|4)' --tag "$TAG"
else
  ./run-peers.sh --add emulator --cmd "$EMULATOR" --port 18090 --ready-codes '^(2|4)' --tag "$TAG"
fi
