#!/usr/bin/env bash
# Database outages under load (issue 7): skillgap-api serving the real O*NET 29.2 release from a
# private MariaDB server (scripts/mariadb-test-server.sh, loopback) while the server is
#   1. killed (SIGKILL),  2. stopped with SIGSTOP,  3. shut down properly (SIGTERM)
# for OUTAGE (10) s each and then brought back, with requests flowing the whole time
# (bench/soak/checker.py, CLIENTS (4) threads, TIMEOUT (5) s per request). Per outage: answers by
# status, requests without an answer within the timeout (a hang), the longest request; then the
# recovery without restarting the API: /readyz stays 200 (the cache serves) and says
# "database": "down" once a check failed; server back -> "up" again, and a reload committed after
# the outage -> answers from the new load run. During the kill, a second skillgap-api is started
# with nothing cached: it must answer 503 with Retry-After at once, and become ready by itself
# once the server is back. Then the server is
#   4. killed,  5. shut down, and  6. SIGSTOPped (until dagrun gives up: the URL's read timeout,
#      30 s by default), in the middle of a full load (`dagrun run pipelines/full.yaml`):
# the run must fail (non-zero exit, the error naming node `load`), and after the restart the old
# load run must still be the latest completed one with all its rows, and nothing left `running`.
# Exit status 1 when a target is missed: no hang, no crash, only 200 or 503+Retry-After, every
# recovery <= 5 s, failed loads clean. Not part of ctest (tests/nodes_sql/mariadb_crash_test.cpp
# and tests/api/mariadb_test.cpp hold the pass/fail versions).
#
#   bench/faults/db_outage.sh
#   BUILD_DIR (build), ONET_DATA_DIR (../shared/onet/db_29_2_text), OUTAGE, CLIENTS, TIMEOUT,
#   KEEP=1 keeps the scratch directory.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$(pwd)
BUILD_DIR=${BUILD_DIR:-build}
OUTAGE=${OUTAGE:-10}
CLIENTS=${CLIENTS:-4}
TIMEOUT=${TIMEOUT:-5}
DATA=${ONET_DATA_DIR:-$ROOT/../shared/onet/db_29_2_text}

die() { echo "bench/faults: $*" >&2; exit 2; }
[[ -f "$DATA/Skills.txt" ]] || die "no O*NET release in '$DATA' (set ONET_DATA_DIR)"
DATA=$(realpath "$DATA")
API_BIN=$(realpath -m "$BUILD_DIR/api/skillgap-api")
DAGRUN=$(realpath -m "$BUILD_DIR/engine/cli/dagrun")
[[ -x $API_BIN && -x $DAGRUN ]] || die "build first: ninja -C $BUILD_DIR skillgap-api dagrun"
for c in curl mariadb mariadbd python3; do command -v $c >/dev/null || die "$c missing (scripts/deps.sh --test)"; done

WORK=$(mktemp -d "${TMPDIR:-/tmp}/skillgap-outage.XXXXXX")
DB_DIR=$WORK/mariadb
API_PID="" API2_PID="" WATCH_PID=""
cleanup() {
  touch "$WORK/stop" 2>/dev/null || true
  [[ -n $WATCH_PID ]] && kill "$WATCH_PID" 2>/dev/null || true
  for p in $API_PID $API2_PID; do kill "$p" 2>/dev/null || true; done
  [[ -f $DB_DIR/mysqld.pid ]] && kill -CONT "$(<"$DB_DIR/mysqld.pid")" 2>/dev/null || true
  scripts/mariadb-test-server.sh stop "$DB_DIR" >/dev/null 2>&1 || true
  if [[ ${KEEP:-0} == 1 ]]; then echo "bench/faults: kept $WORK" >&2; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
now() { date +%s.%N | cut -c1-14; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.2f", b - a }'; }
log() { echo "[$(date -u +%H:%M:%S)] $*" >&2; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

log "starting MariaDB"
URL=$(scripts/mariadb-test-server.sh start "$DB_DIR" auto --owner-pid $$ | tail -n 1)
PORT_DB=$(<"$DB_DIR/port")
export MYSQL_PWD=onetpass
sql() { mariadb --no-defaults --protocol=tcp -h127.0.0.1 -P"$PORT_DB" -uonet -N -B onet -e "$1"; }
# The server's admin over its socket: information_schema.innodb_trx needs the PROCESS privilege.
admin_sql() { mariadb --no-defaults --socket="$(<"$DB_DIR/socket-path")" -u"$(id -un)" -N -B -e "$1"; }
db_pid() { cat "$DB_DIR/mysqld.pid"; }
db_start() { scripts/mariadb-test-server.sh start "$DB_DIR" >/dev/null; }
db_shutdown() {  # SIGTERM: a proper shutdown; waits until the process is gone
  local pid
  pid=$(db_pid)
  kill -TERM "$pid"
  while kill -0 "$pid" 2>/dev/null; do sleep 0.05; done
}

load_cmd() {  # load_cmd LOGFILE: dagrun full.yaml of the release into the server
  env -u LLM_PROVIDER ONET_SOURCE="$DATA" DATABASE_URL="$URL" ON_ERROR=fail "$DAGRUN" run pipelines/full.yaml \
    --set "nodes.validate.params.rejects_path=$WORK/rejects.tsv" >"$1" 2>&1
}
latest_run() { sql "SELECT MAX(run_id) FROM load_runs WHERE status = 'completed'"; }

log "loading O*NET 29.2"
load_cmd "$WORK/load0.log" || { tail "$WORK/load0.log" >&2; die "first load failed"; }
sql "SELECT DISTINCT onetsoc_code FROM occupation_ratings WHERE scale_id = 'LV' AND (element_id LIKE '2.A.%' OR element_id LIKE '2.B.%') ORDER BY 1" >"$WORK/codes.txt"
python3 -c '
import random, sys
c = open(sys.argv[1]).read().split(); random.seed(3)
print("\n".join(" ".join(random.sample(c, 2)) for _ in range(300)))' "$WORK/codes.txt" >"$WORK/pairs.txt"

start_api() {  # start_api PORT LOG; the pid in $!
  DATABASE_URL="$URL" "$API_BIN" --listen "127.0.0.1:$1" --threads 2 >"$2" 2>&1 &
}
API_PORT=$(free_port)
start_api "$API_PORT" "$WORK/api.log"; API_PID=$!
for i in $(seq 1 400); do curl -sf -o /dev/null "http://127.0.0.1:$API_PORT/readyz" && break; sleep 0.05; done
curl -sf -o /dev/null "http://127.0.0.1:$API_PORT/readyz" || die "skillgap-api not ready"
python3 bench/soak/checker.py watch "$API_PORT" "$WORK/pairs.txt" "$WORK/requests.log" "$WORK/stop" "$CLIENTS" "$TIMEOUT" &
WATCH_PID=$!
log "skillgap-api pid $API_PID on port $API_PORT; $CLIENTS client threads, ${TIMEOUT} s timeout"

ready() { [[ $(curl -s -m 3 -o /dev/null -w '%{http_code}' "http://127.0.0.1:$1/readyz") == 200 ]]; }
# /readyz stays 200 while the cache serves; its body says whether the last database check failed.
readyz_db() { curl -s -m 3 -w ' %{http_code}' "http://127.0.0.1:$1/readyz" | python3 -c 'import json,sys; t=sys.stdin.read(); b,_,c=t.rpartition(" "); print((json.loads(b).get("result",{}).get("database") if b else "none") + "/" + c)' 2>/dev/null || echo "none/0"; }
db_up() { [[ $(readyz_db "$1") == up/200 ]]; }
served_run() { curl -s -m 3 "http://127.0.0.1:$API_PORT/metrics" | awk '/^skillgap_dataset_load_run_id/ {print $2}'; }
wait_until() {  # wait_until SECONDS CMD... -> elapsed seconds, or "timeout"
  local limit=$1 t0
  shift
  t0=$(now)
  while ! "$@"; do
    if awk -v a="$t0" -v b="$(now)" -v l="$limit" 'BEGIN { exit !(b - a > l) }'; then echo timeout; return; fi
    sleep 0.05
  done
  since "$t0"
}
db_down() { [[ $(readyz_db "$API_PORT") == down/* ]]; }
serves() { [[ "$(served_run)" == "$1" ]]; }

: >"$WORK/phases.tsv"
RESULTS=()
outage() {  # outage NAME: NAME in kill|sigstop|shutdown
  local name=$1 t_begin t_up r_ready r_down down_code cold="" id t_commit r_pick load_s
  log "outage '$name': ${OUTAGE} s"
  t_begin=$(now)
  case $name in
    kill) scripts/mariadb-test-server.sh kill "$DB_DIR" ;;
    sigstop) kill -STOP "$(db_pid)" ;;
    shutdown) db_shutdown ;;
  esac
  # /readyz says "database": "down" once the refresher's check fails (a SIGSTOPped server: only
  # when the check's read times out, 30 s by default, so usually not within the outage) and
  # stays 200 meanwhile: the cache serves.
  r_down=$(wait_until "$OUTAGE" db_down)
  down_code=""
  if [[ $r_down != timeout ]]; then r_down=$(since "$t_begin"); down_code=$(readyz_db "$API_PORT"); down_code=${down_code#*/}; fi
  if [[ $name == kill ]]; then
    # A second server started while the database is down: nothing cached.
    local p2 code hdr
    p2=$(free_port)
    start_api "$p2" "$WORK/api2.log"; API2_PID=$!
    for i in $(seq 1 100); do curl -s -o /dev/null "http://127.0.0.1:$p2/healthz" && break; sleep 0.05; done
    hdr=$(curl -s -m "$TIMEOUT" -D - -o "$WORK/cold.json" "http://127.0.0.1:$p2/skill-gap?from=15-1254.00&to=15-1251.00" || true)
    code=$(awk 'NR == 1 {print $2}' <<<"$hdr")
    cold="cold start: $code $(python3 -c 'import json,sys; print(json.load(open(sys.argv[1])).get("error"))' "$WORK/cold.json" 2>/dev/null), Retry-After $(awk 'tolower($1) == "retry-after:" {print $2}' <<<"$hdr" | tr -d '\r')"
    COLD_PORT=$p2 COLD_CODE=$code COLD_RA=$(awk 'tolower($1) == "retry-after:" {print $2}' <<<"$hdr" | tr -d '\r')
  fi
  sleep "$(awk -v a="$t_begin" -v b="$(now)" -v o="$OUTAGE" 'BEGIN { s = o - (b - a); print (s > 0 ? s : 0) }')"
  case $name in
    sigstop) kill -CONT "$(db_pid)" ;;
    *) db_start ;;
  esac
  t_up=$(now)
  r_ready=$(wait_until 30 db_up "$API_PORT")
  local r_cold=""
  if [[ $name == kill ]]; then
    r_cold=$(wait_until 30 ready "$COLD_PORT")
    kill -TERM "$API2_PID"; wait "$API2_PID" 2>/dev/null || true; API2_PID=""
  fi
  local t_load
  t_load=$(now)
  load_cmd "$WORK/load_$name.log" || { tail "$WORK/load_$name.log" >&2; die "reload after '$name' failed"; }
  load_s=$(since "$t_load")
  id=$(latest_run)
  r_pick=$(wait_until 30 serves "$id")
  echo "$name $t_begin $(now)" >>"$WORK/phases.tsv"
  RESULTS+=("$name|$r_down|$down_code|$r_ready|$load_s|$r_pick|$(since "$t_up")|$r_cold|$cold")
  log "  readyz 'database down' after ${r_down} s (status ${down_code:-none}); DB back -> 'up' ${r_ready} s; reload ${load_s} s, served ${r_pick} s after commit ${cold:+; $cold, ready ${r_cold} s after DB back}"
}

mid_load() {  # mid_load NAME: NAME in kill|shutdown|sigstop
  local name=$1 before_run before_rows pid rc=0 t_strike fail_s after_run after_rows running node_named
  before_run=$(latest_run)
  before_rows=$(sql "SELECT (SELECT COUNT(*) FROM occupations), (SELECT COUNT(*) FROM occupation_ratings), (SELECT COUNT(*) FROM occupation_ratings WHERE load_run_id = $before_run)" | tr '\t' '/')
  log "database $name in the middle of a full load"
  load_cmd "$WORK/midload_$name.log" & pid=$!
  # Strike once the load's transaction has written rows (still uncommitted).
  local rows=0
  for i in $(seq 1 3000); do
    rows=$(admin_sql "SELECT COALESCE(MAX(trx_rows_modified), 0) FROM information_schema.innodb_trx" 2>/dev/null || echo 0)
    (( rows > 160000 )) && break  # the old rows deleted (~121k) and ~40k new ones written
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.02
  done
  t_strike=$(now)
  case $name in
    kill) scripts/mariadb-test-server.sh kill "$DB_DIR" ;;
    shutdown) db_shutdown ;;
    sigstop) kill -STOP "$(db_pid)" ;;  # hung: dagrun's read times out (URL timeout, 30 s)
  esac
  wait "$pid" || rc=$?
  fail_s=$(since "$t_strike")
  if [[ $name == sigstop ]]; then kill -CONT "$(db_pid)"; else db_start; fi
  after_run=$(latest_run)
  after_rows=$(sql "SELECT (SELECT COUNT(*) FROM occupations), (SELECT COUNT(*) FROM occupation_ratings), (SELECT COUNT(*) FROM occupation_ratings WHERE load_run_id = $before_run)" | tr '\t' '/')
  running=$(sql "SELECT COUNT(*) FROM load_runs WHERE status = 'running'")
  node_named=$(grep -qE "node '?load'?|\bload\b.*sql_load|sql_load" "$WORK/midload_$name.log" && echo yes || echo no)
  local served
  served=$(wait_until 30 serves "$before_run")
  RESULTS+=("midload-$name|$rows|$rc|$fail_s|$node_named|$before_run|$after_run|$before_rows|$after_rows|$running|$served")
  log "  struck at $rows rows in the transaction; dagrun exit $rc ${fail_s} s later; run $before_run -> $after_run; rows $before_rows -> $after_rows; running $running"
  grep -iE "error|fail" "$WORK/midload_$name.log" | head -n 3 | sed 's/^/    /' >&2 || true
}

sleep 2
outage kill
outage sigstop
outage shutdown
mid_load kill
mid_load shutdown
mid_load sigstop
sleep 1
touch "$WORK/stop"
wait "$WATCH_PID" || true
WATCH_PID=""
API_ALIVE=$(kill -0 "$API_PID" 2>/dev/null && echo yes || echo no)
kill -TERM "$API_PID"; EXIT=0; wait "$API_PID" || EXIT=$?; API_PID=""

python3 - "$WORK/requests.log" "$WORK/phases.tsv" "$API_ALIVE" "$EXIT" "$TIMEOUT" "$COLD_CODE" "${COLD_RA:-}" "${RESULTS[@]}" <<'EOF'
import collections, os, sys
log, phases, alive, ex, timeout, cold_code, cold_ra, *results = sys.argv[1:]
ph = [l.split() for l in open(phases) if l.strip()]
stats = collections.defaultdict(lambda: {"n": 0, "status": collections.Counter(), "max_ms": 0.0})
for line in open(log):
    f = line.split()
    if len(f) < 6: continue
    ts, st, ms = float(f[0]), int(f[1]), float(f[5])
    name = next((p[0] for p in ph if float(p[1]) <= ts <= float(p[2])), "between / mid-load")
    for key in (name, "all"):
        s = stats[key]; s["n"] += 1; s["status"][st] += 1; s["max_ms"] = max(s["max_ms"], ms)
failed = False
def row(name, val, ok, target):
    global failed
    failed |= not ok
    print(f"   {name:44} {val:70} {target:12} {'ok' if ok else 'MISSED'}")
def num(x): return float(x) if x not in ("timeout", "") else 1e9
print("\n== requests during the outages (client timeout %s s)" % timeout)
for key in [p[0] for p in ph] + ["between / mid-load", "all"]:
    s = stats[key]
    other = {k: v for k, v in s["status"].items() if k not in (200, 503)}
    row(f"{key}: answers", f"{s['n']:,}: 200 x{s['status'][200]}, 503 x{s['status'][503]}, no answer x{s['status'][0]}, other {dict((k, v) for k, v in other.items() if k)}; max {s['max_ms']:.0f} ms",
        s["status"][0] == 0 and not other, "no hang")
print("\n== recovery (API not restarted)")
for r in results:
    f = r.split("|")
    if f[0].startswith("midload"): continue
    name, rdown, down_code, rready, load_s, rpick, total, rcold, cold = f
    row(f"{name}: /readyz 'database down' after outage began", f"{rdown} s, status {down_code or '-'}", down_code in ("", "200"), "200 (info)")
    row(f"{name}: DB back -> /readyz 'database up'", f"{rready} s", num(rready) <= 5, "<= 5 s")
    row(f"{name}: reload commit -> served from new run", f"{rpick} s (dagrun {load_s} s)", num(rpick) <= 5, "<= 5 s")
    row(f"{name}: DB back -> new run served (incl. reload)", f"{total} s", True, "info")
    if rcold:
        row(f"{name}: cold-started API during the outage", cold, cold_code == "503" and cold_ra != "", "503+R-A")
        row(f"{name}: cold-started API: DB back -> ready", f"{rcold} s", num(rcold) <= 5, "<= 5 s")
print("\n== database lost in the middle of a full load")
for r in results:
    f = r.split("|")
    if not f[0].startswith("midload"): continue
    name, rows, rc, fail_s, named, b_run, a_run, b_rows, a_rows, running, served = f
    row(f"{name}: dagrun exit / error names node", f"exit {rc} {fail_s} s after the strike ({rows} rows staged); names load: {named}", rc not in ("0", "") and named == "yes", "!=0, yes")
    row(f"{name}: after restart: latest run, rows", f"run {b_run} -> {a_run}; occupations/ratings/of run {b_run}: {b_rows} -> {a_rows}; running rows {running}", b_run == a_run and b_rows == a_rows and running == "0", "unchanged")
    row(f"{name}: API serves the old run", f"{served} s", served != "timeout", "yes")
print()
row("skillgap-api alive all along / SIGTERM exit", f"{alive} / {ex}", alive == "yes" and ex == "0", "yes / 0")
print(f"   (load average at the end: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)")
sys.exit(1 if failed else 0)
EOF
