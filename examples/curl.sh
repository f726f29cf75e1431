#!/usr/bin/env bash
# A walk-through of the Kling API with curl, against a running kling-mock:
#   token -> create a text2video task -> poll it -> download the video -> list tasks.
#
#   kling-mock --latency fast &            # in another terminal
#   examples/curl.sh                        # or: examples/curl.sh http://127.0.0.1:8088
#
# Environment: KLING_BASE_URL (default http://127.0.0.1:8088), KLING_MOCK (the binary that
# prints the token, default kling-mock), KLING_MOCK_ADVANCE=SECONDS (with --manual-clock:
# move simulated time this far through the admin API instead of waiting between polls),
# OUT (where the video goes, default result.mp4). Needs only bash, curl and sed.
set -euo pipefail

BASE=${1:-${KLING_BASE_URL:-http://127.0.0.1:8088}}
KLING_MOCK=${KLING_MOCK:-kling-mock}
OUT=${OUT:-result.mp4}
field() { sed -n "s/.*\"$1\":\"\([^\"]*\)\".*/\1/p"; }   # first string field of a compact JSON answer

echo "== 1. a token for the development account (HS256 JWT, iss = access key, 30 min)"
TOKEN=$("$KLING_MOCK" token)
echo "${TOKEN:0:24}..."

echo "== 2. submit a text-to-video task"
EXTERNAL_ID="curl-demo-$$"
CREATED=$(curl -sS "$BASE/v1/videos/text2video" \
  -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
  -d "{\"model_name\": \"kling-v3\", \"prompt\": \"a calm sunrise over the ocean\", \"duration\": \"5\", \"external_task_id\": \"$EXTERNAL_ID\"}")
echo "$CREATED"
TASK_ID=$(field task_id <<<"$CREATED")
[ -n "$TASK_ID" ] || { echo "create failed" >&2; exit 1; }

echo "== 3. poll it by its external id until it ends"
for _ in $(seq 1 120); do
  TASK=$(curl -sS "$BASE/v1/videos/text2video/$EXTERNAL_ID" -H "Authorization: Bearer $TOKEN")
  STATUS=$(field task_status <<<"$TASK")
  echo "task $TASK_ID: $STATUS"
  case "$STATUS" in
    succeed) break ;;
    failed) echo "$TASK" >&2; exit 1 ;;
  esac
  if [ -n "${KLING_MOCK_ADVANCE:-}" ]; then
    curl -sS -o /dev/null -X POST "$BASE/__admin/clock/advance" \
      -H 'Content-Type: application/json' -d "{\"seconds\": $KLING_MOCK_ADVANCE}"
  else
    sleep 2
  fi
done
[ "$STATUS" = succeed ] || { echo "task did not finish" >&2; exit 1; }

echo "== 4. download the result"
URL=$(field url <<<"$TASK")
curl -sS -o "$OUT" "$URL"
echo "$OUT: $(wc -c <"$OUT" | tr -d ' ') bytes from $URL"

echo "== 5. list your tasks, newest first"
curl -sS "$BASE/v1/videos/text2video?pageNum=1&pageSize=5" -H "Authorization: Bearer $TOKEN" | head -c 300
echo
