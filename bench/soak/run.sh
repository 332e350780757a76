#!/usr/bin/env bash
# Soak test (issue 7): skillgap-api on MariaDB under constant load while full reloads commit.
#
#   bench/soak/run.sh [SECONDS=300]          (run from anywhere; not part of ctest)
#
# A private MariaDB server (scripts/mariadb-test-server.sh, loopback) is loaded with the real
# O*NET 29.2 release (dataset A) through `dagrun run pipelines/full.yaml`; skillgap-api serves
# it. For SECONDS:
#   * wrk, CONNECTIONS (64) connections, GET /skill-gap rotating through PAIRS (20,000) random
#     pairs of the occupations with skill ratings (bench/soak/pairs.lua);
#   * every RELOAD_EVERY (60) s a full reload commits, alternating dataset B and A. Dataset B is
#     the same release with every Skills LV value v replaced by 7 - v (a copy of Skills.txt in
#     the scratch directory, the other files symlinked), so nearly every pair's answer differs
#     between A and B, and an answer mixing them matches neither;
#   * bench/soak/checker.py polls 400 pairs with 2 threads and checks every answer against
#     the expected answer of the dataset its load_run_id names (computed before the soak);
#   * every SAMPLE_EVERY (5) s: the server's VmRSS, open fds, and CLOSE_WAIT sockets on its port.
# At the end: wrk's totals, the checker's verdict, RSS/fd start/end/max, CLOSE_WAIT at the end,
# per-reload duration and the time until the server answered from the new run, SIGTERM exit.
# Exit status 1 when a target is missed (0 non-2xx, 0 socket errors, 0 inconsistent answers,
# CLOSE_WAIT ~0 at the end, every reload picked up within 10 s, RSS growth < 50 MB).
#
# Environment: BUILD_DIR (build), ONET_DATA_DIR (../shared/onet/db_29_2_text), CONNECTIONS,
# WRK_THREADS (2), RELOAD_EVERY, SAMPLE_EVERY, THREADS (skillgap-api --threads, default cores),
# KEEP=1 keeps the scratch directory. Needs wrk, curl, ss, mariadb-server/client, python3.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$(pwd)
DURATION=${1:-300}
BUILD_DIR=${BUILD_DIR:-build}
CONNECTIONS=${CONNECTIONS:-64}
WRK_THREADS=${WRK_THREADS:-2}
RELOAD_EVERY=${RELOAD_EVERY:-60}
SAMPLE_EVERY=${SAMPLE_EVERY:-5}
THREADS=${THREADS:-$(nproc)}
DATA=${ONET_DATA_DIR:-$ROOT/../shared/onet/db_29_2_text}

die() { echo "bench/soak: $*" >&2; exit 2; }
[[ "$DURATION" =~ ^[1-9][0-9]*$ ]] || die "SECONDS must be a positive number"
[[ -f "$DATA/Skills.txt" ]] || die "no O*NET release in '$DATA' (set ONET_DATA_DIR)"
DATA=$(realpath "$DATA")
API_BIN=$(realpath -m "$BUILD_DIR/api/skillgap-api")
DAGRUN=$(realpath -m "$BUILD_DIR/engine/cli/dagrun")
[[ -x $API_BIN && -x $DAGRUN ]] || die "build first: ninja -C $BUILD_DIR skillgap-api dagrun"
for c in wrk curl ss mariadb mariadbd python3; do command -v $c >/dev/null || die "$c missing (scripts/deps.sh --test)"; done

# Scratch space outside the repository: it holds a modified copy of the release's Skills.txt.
WORK=$(mktemp -d "${TMPDIR:-/tmp}/skillgap-soak.XXXXXX")
API_PID="" PIDS=()
cleanup() {
  touch "$WORK/stop" 2>/dev/null || true
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  [[ -n $API_PID ]] && kill "$API_PID" 2>/dev/null || true
  scripts/mariadb-test-server.sh stop "$WORK/mariadb" >/dev/null 2>&1 || true
  if [[ ${KEEP:-0} == 1 ]]; then echo "bench/soak: kept $WORK" >&2; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
now() { date +%s.%N | cut -c1-14; }
log() { echo "[$(date -u +%H:%M:%S)] $*" >&2; }

# ---- datasets: A = the release, B = Skills LV flipped (7 - v)
mkdir -p "$WORK/A" "$WORK/B/db_29_2_text"
ln -s "$DATA" "$WORK/A/db_29_2_text"
for f in "$DATA"/*; do [[ $(basename "$f") == Skills.txt ]] || ln -s "$f" "$WORK/B/db_29_2_text/"; done
awk 'BEGIN { FS = OFS = "\t" } NR > 1 && $4 == "LV" { $5 = sprintf("%.2f", 7 - $5) } { print }' \
  "$DATA/Skills.txt" >"$WORK/B/db_29_2_text/Skills.txt"
declare -A SRC=([A]="$WORK/A/db_29_2_text" [B]="$WORK/B/db_29_2_text")

# ---- MariaDB
log "starting MariaDB (scripts/mariadb-test-server.sh)"
URL=$(scripts/mariadb-test-server.sh start "$WORK/mariadb" auto --owner-pid $$ | tail -n 1)
PORT_DB=$(<"$WORK/mariadb/port")
export MYSQL_PWD=onetpass
sql() { mariadb --no-defaults --protocol=tcp -h127.0.0.1 -P"$PORT_DB" -uonet -N -B onet -e "$1"; }

load() {  # load DATASET -> appends "run_id dataset" to runs.tsv; prints "seconds run_id"
  local t0 t1 rc=0
  t0=$(now)
  env -u LLM_PROVIDER ONET_SOURCE="${SRC[$1]}" DATABASE_URL="$URL" ON_ERROR=fail "$DAGRUN" run pipelines/full.yaml \
    --set "nodes.validate.params.rejects_path=$WORK/rejects.tsv" >>"$WORK/load.log" 2>&1 || rc=$?
  t1=$(now)
  [[ $rc == 0 ]] || { tail -n 20 "$WORK/load.log" >&2; die "load of dataset $1 failed (exit $rc)"; }
  local id
  id=$(sql "SELECT MAX(run_id) FROM load_runs WHERE status = 'completed'")
  echo "$id $1" >>"$WORK/runs.tsv"
  awk -v a="$t0" -v b="$t1" -v id="$id" 'BEGIN { printf "%.2f %s\n", b - a, id }'
}

served_run() { curl -s -m 5 "http://127.0.0.1:$API_PORT/metrics" | awk '/^skillgap_dataset_load_run_id/ {print $2}'; }
wait_run() {  # wait_run ID -> seconds until the server answers from it (max 60 s), else "timeout"
  local t0 i
  t0=$(now)
  for i in $(seq 1 1200); do
    if [[ "$(served_run)" == "$1" ]]; then awk -v a="$t0" -v b="$(now)" 'BEGIN { printf "%.2f\n", b - a }'; return; fi
    sleep 0.05
  done
  echo timeout
}

log "loading dataset A (O*NET 29.2)"
read -r LOAD_A_S RUN_A < <(load A)
log "  run $RUN_A in ${LOAD_A_S} s"
sql "SELECT DISTINCT onetsoc_code FROM occupation_ratings WHERE scale_id = 'LV' AND (element_id LIKE '2.A.%' OR element_id LIKE '2.B.%') ORDER BY 1" \
  >"$WORK/codes.txt"
python3 - "$WORK/codes.txt" "$WORK" <<'EOF'
import random, sys
codes = open(sys.argv[1]).read().split()
random.seed(7)
with open(sys.argv[2] + "/pairs.txt", "w") as f:
    for _ in range(20000):
        f.write(f"{random.choice(codes)} {random.choice(codes)}\n")
with open(sys.argv[2] + "/check_pairs.txt", "w") as f:
    for _ in range(400):
        a, b = random.sample(codes, 2)
        f.write(f"{a} {b}\n")
EOF
log "  $(wc -l <"$WORK/codes.txt") occupations with skill ratings"

API_PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
DATABASE_URL="$URL" "$API_BIN" --listen "127.0.0.1:$API_PORT" --threads "$THREADS" 2>"$WORK/api.log" &
API_PID=$!
for i in $(seq 1 600); do curl -sf -o /dev/null "http://127.0.0.1:$API_PORT/readyz" && break; sleep 0.05; done
curl -sf -o /dev/null "http://127.0.0.1:$API_PORT/readyz" || { tail "$WORK/api.log" >&2; die "skillgap-api not ready"; }
log "skillgap-api pid $API_PID on port $API_PORT"

log "expected answers of dataset A and B (400 pairs each)"
python3 bench/soak/checker.py expect "$API_PORT" "$WORK/check_pairs.txt" "$WORK/expect_A.json"
read -r LOAD_B_S RUN_B < <(load B)
[[ $(wait_run "$RUN_B") != timeout ]] || die "server did not pick up run $RUN_B"
python3 bench/soak/checker.py expect "$API_PORT" "$WORK/check_pairs.txt" "$WORK/expect_B.json"
DIFFER=$(python3 -c 'import json,sys; a=json.load(open(sys.argv[1]))["answers"]; b=json.load(open(sys.argv[2]))["answers"]; print(sum(a[k]!=b[k] for k in a))' \
  "$WORK/expect_A.json" "$WORK/expect_B.json")
log "  $DIFFER of 400 pairs differ between A and B"
read -r _ RUN_A2 < <(load A)
[[ $(wait_run "$RUN_A2") != timeout ]] || die "server did not pick up run $RUN_A2"

# ---- the soak
sed -e "s|@PAIRS@|$WORK/pairs.txt|" -e "s|@RESULT_LUA@|$ROOT/bench/wrk_result.lua|" bench/soak/pairs.lua >"$WORK/pairs.lua"
rss_kb() { awk '/^VmRSS/ {print $2}' "/proc/$API_PID/status"; }
fds() { ls "/proc/$API_PID/fd" | wc -l; }
close_wait() { ss -Htan state close-wait "( sport = :$API_PORT or dport = :$API_PORT )" | wc -l; }

log "soak: ${DURATION} s, wrk ${CONNECTIONS} connections, reload every ${RELOAD_EVERY} s"
T_START=$(now)
(
  sleep 2  # wrk's connections are open
  while [[ ! -f $WORK/stop && ! -f $WORK/wrk.done ]]; do
    echo "$(awk -v a="$(now)" -v b="$T_START" 'BEGIN { printf "%.0f", a - b }') $(rss_kb) $(fds) $(close_wait)" >>"$WORK/samples.tsv"
    sleep "$SAMPLE_EVERY"
  done
) & PIDS+=($!)
python3 bench/soak/checker.py watch "$API_PORT" "$WORK/check_pairs.txt" "$WORK/check.log" "$WORK/stop" 2 10 & PIDS+=($!)
wrk -t"$WRK_THREADS" -c"$CONNECTIONS" -d"${DURATION}s" --timeout 10s -s "$WORK/pairs.lua" \
  "http://127.0.0.1:$API_PORT" >"$WORK/wrk.out" 2>&1 & WRK_PID=$!
(
  next=B n=0
  while :; do
    # Reloads start at RELOAD_EVERY, 2 x RELOAD_EVERY, ... (at once when the previous one ran
    # late), none that could still be running when wrk stops.
    target=$(( (n + 1) * RELOAD_EVERY ))
    (( target + 30 < DURATION )) || break
    wait_s=$(awk -v a="$(now)" -v b="$T_START" -v t="$target" 'BEGIN { s = t - (a - b); print (s > 0 ? s : 0) }')
    sleep "$wait_s"
    t0=$(now)
    read -r secs id < <(load $next)
    lag=$(wait_run "$id")
    t1=$(now)
    echo "$t0 $t1" >>"$WORK/windows.tsv"
    echo "$id $next $secs $lag" >>"$WORK/reloads.tsv"
    echo "[$(date -u +%H:%M:%S)]   reload $((++n)): dataset $next, run $id, dagrun ${secs} s, served after ${lag} s" >&2
    [[ $next == B ]] && next=A || next=B
  done
) & RELOADER=$!
PIDS+=($RELOADER)
wait "$WRK_PID" || true
touch "$WORK/wrk.done"
wait "$RELOADER" || true
touch "$WORK/stop"  # the checker stops too
sleep 3  # every client socket is closed; let the server finish closing its side
CW_END=$(close_wait)
ss -tanp state close-wait "( sport = :$API_PORT or dport = :$API_PORT )" >"$WORK/close_wait.txt" || true
AFTER="$(rss_kb) $(fds) $CW_END"
kill -TERM "$API_PID"; EXIT=0; wait "$API_PID" || EXIT=$?; API_PID=""
[[ -f $WORK/reloads.tsv ]] || : >"$WORK/reloads.tsv"

CHECK=$(python3 bench/soak/checker.py report "$WORK/check.log" "$WORK/runs.tsv" "$WORK/expect_A.json" "$WORK/expect_B.json" "$WORK/windows.tsv")
WRK=$(grep '^RESULT' "$WORK/wrk.out" || { cat "$WORK/wrk.out" >&2; die "wrk printed no result"; })

python3 - "$WRK" "$CHECK" "$WORK/samples.tsv" "$WORK/reloads.tsv" "$AFTER" "$EXIT" "$DURATION" "$DIFFER" "$LOAD_A_S" <<'EOF'
import json, os, re, sys
wrk, check, samples, reloads, after, ex, duration, differ, load_a = sys.argv[1:]
rss_after, fd_after, cw_end = (int(x) for x in after.split())
w = {k: float(v) for k, v in re.findall(r"(\w+)=([0-9.]+)", wrk)}
c = json.loads(check)
s = [list(map(int, l.split())) for l in open(samples) if l.strip()]
rl = [l.split() for l in open(reloads) if l.strip()]
rss = [x[1] / 1024 for x in s]; fd = [x[2] for x in s]; cw = [x[3] for x in s]
sock = int(w["connect"] + w["read"] + w["write"] + w["timeout"])
lags = [float(r[3]) for r in rl if r[3] != "timeout"]
rows = [
  ("wrk requests", f"{int(w['requests']):,} ({w['rps']:.0f} req/s, p50 {w['p50_ms']:.1f} ms, p99 {w['p99_ms']:.1f} ms, max {w['max_ms']:.0f} ms)", True, ""),
  ("wrk non-2xx", f"{int(w['non2xx'])}", w["non2xx"] == 0, "0"),
  ("wrk socket errors", f"{sock} (connect {int(w['connect'])}, read {int(w['read'])}, write {int(w['write'])}, timeout {int(w['timeout'])})", sock == 0, "0"),
  ("checker responses", f"{c['responses']:,} ({c['during_reloads']} during reloads: {c['during_reloads_by_dataset']['A']} A, {c['during_reloads_by_dataset']['B']} B)", True, ""),
  ("checker non-200 / no answer", f"{c['non200']} / {c['no_answer']} (max latency {c['max_latency_ms']:.0f} ms)", c["non200"] + c["no_answer"] == 0, "0"),
  ("checker inconsistent answers", f"{c['inconsistent']} (+{c['unknown_run']} of an unknown run); per run {c['by_run']}", c["inconsistent"] + c["unknown_run"] == 0, "0"),
  ("pairs differing A vs B", f"{differ} of 400", int(differ) > 300, "> 300"),
  ("reloads committed", f"{len(rl)} (dagrun {', '.join(r[2] for r in rl)} s; first load {load_a} s)", len(rl) >= max(1, int(duration) // 60 - 1), f">= {max(1, int(duration) // 60 - 1)}"),
  ("served from new run after commit", f"{', '.join(r[3] for r in rl)} s", len(lags) == len(rl) and all(l <= 10 for l in lags), "<= 10 s"),
  ("RSS MB start / end / max (under load)", f"{rss[0]:.1f} / {rss[-1]:.1f} / {max(rss):.1f}; {rss_after / 1024:.1f} after the clients", rss[-1] - rss[0] < 50, "growth < 50"),
  ("open fds start / end / max (under load)", f"{fd[0]} / {fd[-1]} / {max(fd)}; {fd_after} after the clients", fd[-1] <= fd[0] + 8 and fd_after <= fd[0], "flat"),
  ("CLOSE_WAIT max under load / after the clients", f"{max(cw)} / {cw_end}", cw_end <= 2, "end ~0"),
  ("SIGTERM exit status", ex, ex == "0", "0"),
]
print(f"\n== soak summary: {duration} s, {len(s)} samples")
failed = 0
for name, val, ok, target in rows:
    failed |= not ok
    print(f"   {name:34} {val:78} {target:10} {'ok' if ok else 'MISSED'}")
if c["examples"]:
    print("   inconsistent examples:", *c["examples"], sep="\n     ")
print(f"   (load average at the end: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)")
print("   samples (s, RSS MB, fds, CLOSE_WAIT): " + "  ".join(f"{x[0]}:{x[1]/1024:.0f}/{x[2]}/{x[3]}" for x in s))
sys.exit(1 if failed else 0)
EOF
