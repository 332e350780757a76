#!/usr/bin/env bash
# The web page's browser test (ctest label `web`), end to end:
#   1. playwright-core from the committed package-lock.json, `npm ci` into WORK_DIR (once per lock);
#   2. a fresh SQLite database loaded from the fixture with `dagrun run pipelines/sample.yaml`;
#   3. the real skillgap-api on 127.0.0.1, any free port, stopped on every exit (trap);
#   4. tests/web/browser.test.mjs, then tests/web/transitions.test.mjs (the transitions panel): headless
#      Debian Chromium against it; screenshots go to WORK_DIR.
# Usage: tests/web/run.sh SRC_DIR WORK_DIR DAGRUN_BIN SKILLGAP_API_BIN
# Exit 77 (ctest: skipped) when node, npm or /usr/bin/chromium is missing: scripts/deps.sh --test.
set -euo pipefail
src=$(cd "$1" && pwd); work=$2; dagrun=$3; api_bin=$4
export CHROMIUM=${CHROMIUM:-/usr/bin/chromium}

for tool in node npm; do
  if ! command -v "$tool" >/dev/null; then echo "SKIPPED: '$tool' not found (scripts/deps.sh --test installs it)"; exit 77; fi
done
if [[ ! -x $CHROMIUM ]]; then echo "SKIPPED: $CHROMIUM not found (scripts/deps.sh --test installs chromium)"; exit 77; fi

mkdir -p "$work"
work=$(cd "$work" && pwd)
stamp=$work/node_modules/.skillgap-lock
if ! cmp -s "$src/tests/web/package-lock.json" "$stamp"; then
  echo "npm ci (playwright-core) into $work"
  cp "$src/tests/web/package.json" "$src/tests/web/package-lock.json" "$work/"
  (cd "$work" && npm ci --no-audit --no-fund --loglevel=error)
  cp "$src/tests/web/package-lock.json" "$stamp"
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/skillgap-web.XXXXXX")
pid=""
cleanup() {
  local rc=$?
  if [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  fi
  if (( rc != 0 )) && [[ -f $tmp/api.log ]]; then echo "--- server log (last 30 lines)"; tail -n 30 "$tmp/api.log"; fi
  rm -rf "$tmp"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

t0=$(date +%s.%N)
db="sqlite:$tmp/web.db"
if ! (cd "$src" && SAMPLE_DATABASE_URL="$db" "$dagrun" run pipelines/sample.yaml \
        --set "nodes.validate.params.rejects_path=$tmp/rejects.tsv") >"$tmp/dagrun.log" 2>&1; then
  echo "dagrun run pipelines/sample.yaml failed:"; cat "$tmp/dagrun.log"; exit 1
fi

"$api_bin" --listen 127.0.0.1:0 --db "$db" --pipeline "$src/pipelines/skill_gap.yaml" --threads 4 \
  --refresh-seconds 1 2>"$tmp/api.log" &
pid=$!
port=""
for _ in $(seq 200); do
  port=$(sed -n 's|.*listening on http://127\.0\.0\.1:\([0-9][0-9]*\).*|\1|p' "$tmp/api.log" | head -n1)
  [[ -n $port ]] && break
  if ! kill -0 "$pid" 2>/dev/null; then echo "skillgap-api exited:"; cat "$tmp/api.log"; exit 1; fi
  sleep 0.05
done
if [[ -z $port ]]; then echo "skillgap-api did not report its port"; exit 1; fi
echo "skillgap-api on http://127.0.0.1:$port (pid $pid), fixture database $db"

BASE_URL="http://127.0.0.1:$port" OUT_DIR="$work" node "$src/tests/web/browser.test.mjs"
# The "Where can I go from here?" panel (GET /transitions), against the same server.
BASE_URL="http://127.0.0.1:$port" OUT_DIR="$work" node "$src/tests/web/transitions.test.mjs"
awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "web test: %.1f s from database load to browser closed\n", b - a }'
