#!/usr/bin/env bash
# Benchmark of skillgap-api on loopback against nginx serving a static file of the same size
# (the ceiling), in the same run. Not part of ctest.
#
#   bench/api/run.sh [BUILD_DIR]        (default: build; run from the repository root)
#
# Environment:
#   ONET_DATA_DIR   the O*NET 29.2 text files (default ../shared/onet/db_29_2_text)
#   DURATION=20     seconds of each wrk run;  CONNECTIONS=64;  WRK_THREADS=2
#   SOAK=60         seconds of the RSS soak;  THREADS=<cores>  skillgap-api --threads
#   ROUNDS=10       floor/API rounds, interleaved (order alternating); the median round is reported
#   ROUND_SECONDS=4 seconds of each wrk run of a round. This VM's speed jumps between two levels
#                   (the bare floor at ~12 k or ~19 k req/s, minutes apart or within seconds), so
#                   many short pairs estimate the ratio better than a few long ones
#
# Also bench_floor_server (bench/api/floor_server.cpp): a bare cpprestsdk listener answering the
# same bytes, the transport's floor for that response; target (issue 10 §8): /skill-gap >= 0.8x
# of it, p99 <= 5 ms, 0 errors. Also each server's CPU per request during its run (steadier than
# requests/s here) and bench_serve (bench/api/serve_bench.cpp): App::serve alone, no HTTP.
# Prints: requests/s of both and their ratio, p99 latency, errors, RSS growth over the soak,
# start-up-to-ready time on the full dataset. Targets (issue 4): ratio >= 0.35, p99 <= 10 ms,
# 0 errors, RSS growth < 10 MB, ready < 1 s. Then GET /transitions (random real sources of all
# 1,016 occupations, default options) in the same run, against /skill-gap's figures just
# measured. Targets (issue 12): throughput >= 0.5x /skill-gap's, p99 <= 10 ms, 0 errors. Then
# GET /occupations?q= with random real titles, alternate and reported titles, their first words
# and prefixes. Targets (issue 11): p99 <= 5 ms, 0 errors.
set -euo pipefail

BUILD=${1:-build}
ROOT=$(pwd)
BIN=$ROOT/$BUILD/api/skillgap-api
DAGRUN=$ROOT/$BUILD/engine/cli/dagrun
DATA=${ONET_DATA_DIR:-$ROOT/../shared/onet/db_29_2_text}
DURATION=${DURATION:-20}
CONNECTIONS=${CONNECTIONS:-64}
WRK_THREADS=${WRK_THREADS:-2}
SOAK=${SOAK:-60}
ROUNDS=${ROUNDS:-10}
ROUND_SECONDS=${ROUND_SECONDS:-4}
THREADS=${THREADS:-$(nproc)}

die() { echo "bench/api: $*" >&2; exit 1; }
[[ -x $BIN ]] || die "$BIN not built (ninja -C $BUILD skillgap-api)"
[[ -x $DAGRUN ]] || die "$DAGRUN not built (ninja -C $BUILD dagrun)"
FLOOR_BIN=$ROOT/$BUILD/bench/api/bench_floor_server
[[ -x $FLOOR_BIN ]] || die "$FLOOR_BIN not built (ninja -C $BUILD bench_floor_server)"
SERVE_BIN=$ROOT/$BUILD/bench/api/bench_serve
[[ -x $SERVE_BIN ]] || die "$SERVE_BIN not built (ninja -C $BUILD bench_serve)"
[[ -d $DATA ]] || die "O*NET 29.2 files not found at $DATA (set ONET_DATA_DIR)"
command -v wrk >/dev/null || die "wrk missing: scripts/deps.sh --test"
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
[[ -x $NGINX ]] || die "nginx missing: scripts/deps.sh --test"
command -v sqlite3 >/dev/null || die "sqlite3 missing"

WORK=$(mktemp -d "$ROOT/$BUILD/bench-api.XXXXXX")
chmod 755 "$WORK"  # nginx workers run as another user
API_PID="" NGINX_STARTED="" FLOOR_PID=""
cleanup() {
  [[ -n $API_PID ]] && kill "$API_PID" 2>/dev/null && wait "$API_PID" 2>/dev/null || true
  [[ -n $FLOOR_PID ]] && kill "$FLOOR_PID" 2>/dev/null && wait "$FLOOR_PID" 2>/dev/null || true
  [[ -n $NGINX_STARTED ]] && "$NGINX" -p "$WORK/nginx" -c "$WORK/nginx/nginx.conf" -s stop 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

# Polls URL until it answers 200; dies with LOG when PID exits first:  wait_http URL PID LOG NAME
wait_http() {
  until curl -sf -o /dev/null "$1"; do
    kill -0 "$2" 2>/dev/null || { cat "$3"; die "$4 exited"; }
    sleep 0.005
  done
}
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
now_ns() { date +%s%N; }
rss_kb() { awk '/^VmRSS/ {print $2}' "/proc/$1/status"; }
# CPU the process has used (user + system), in clock ticks; CPU per request is steadier than
# requests/s on a shared machine (wrk and the server share the cores).
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
CLK_TCK=$(getconf CLK_TCK)

echo "== loading O*NET 29.2 into $WORK/onet.db"
ONET_SOURCE=$DATA DATABASE_URL="sqlite:$WORK/onet.db" "$DAGRUN" run pipelines/full.yaml \
  --set "nodes.validate.params.rejects_path=$WORK/rejects.tsv" >"$WORK/load.log" 2>&1 || { cat "$WORK/load.log"; die "load failed"; }
sqlite3 "$WORK/onet.db" "SELECT DISTINCT onetsoc_code FROM occupation_ratings WHERE scale_id = 'LV' ORDER BY 1" >"$WORK/codes.txt"
sqlite3 "$WORK/onet.db" "SELECT onetsoc_code FROM occupations ORDER BY 1" >"$WORK/all_codes.txt"
echo "   $(wc -l <"$WORK/codes.txt") occupations with skill ratings, $(wc -l <"$WORK/all_codes.txt") in all"

echo "== starting skillgap-api ($THREADS I/O threads)"
API_PORT=$(free_port)
t0=$(now_ns)
"$BIN" --listen "127.0.0.1:$API_PORT" --db "sqlite:$WORK/onet.db" --threads "$THREADS" 2>"$WORK/api.log" &
API_PID=$!
wait_http "http://127.0.0.1:$API_PORT/readyz" "$API_PID" "$WORK/api.log" skillgap-api
t1=$(now_ns)
READY_MS=$(( (t1 - t0) / 1000000 ))
echo "   ready after ${READY_MS} ms (process start to /readyz 200)"

# The static file: a real /skill-gap answer of the mean size of random pairs' answers (the one
# nearest it), served by nginx (the ceiling) and by bench_floor_server (cpprestsdk's floor for
# that response: issue 10 §8).
python3 - "$WORK/codes.txt" "$API_PORT" "$WORK/static.json" <<'EOF'
import random, sys, urllib.request
codes = open(sys.argv[1]).read().split()
random.seed(4)
bodies = []
for _ in range(300):
    a, b = random.choice(codes), random.choice(codes)
    with urllib.request.urlopen(f"http://127.0.0.1:{sys.argv[2]}/skill-gap?from={a}&to={b}") as r:
        bodies.append(r.read())
sizes = [len(b) for b in bodies]
n = sum(sizes) // len(sizes)
body = min(bodies, key=lambda b: abs(len(b) - n))
open(sys.argv[3], "wb").write(body)
import os; os.chmod(sys.argv[3], 0o644)
print(f"   mean /skill-gap response: {n} bytes (min {min(sizes)}, max {max(sizes)}); static file: a real answer of {len(body)} bytes")
EOF

mkdir -p "$WORK/nginx/logs"
NGINX_PORT=$(free_port)
cat >"$WORK/nginx/nginx.conf" <<EOF
worker_processes auto;
pid $WORK/nginx/nginx.pid;
error_log $WORK/nginx/logs/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  keepalive_requests 1000000;
  server {
    listen 127.0.0.1:$NGINX_PORT;
    location = /skill-gap { default_type application/json; alias $WORK/static.json; }
  }
}
EOF
"$NGINX" -p "$WORK/nginx" -c "$WORK/nginx/nginx.conf" && NGINX_STARTED=1

FLOOR_PORT=$(free_port)
"$FLOOR_BIN" --listen "127.0.0.1:$FLOOR_PORT" --body "$WORK/static.json" --threads "$THREADS" 2>"$WORK/floor.log" &
FLOOR_PID=$!
wait_http "http://127.0.0.1:$FLOOR_PORT/skill-gap" "$FLOOR_PID" "$WORK/floor.log" bench_floor_server

# Random real pairs, a different stream per wrk thread.
cat >"$WORK/pairs.lua" <<EOF
local codes = {}
for line in io.lines("$WORK/codes.txt") do codes[#codes + 1] = line end
local counter = 0
function setup(thread) counter = counter + 1; thread:set("seed", counter * 7919) end
function init(args) math.randomseed(seed) end
function request()
  local a = codes[math.random(#codes)]
  local b = codes[math.random(#codes)]
  return wrk.format("GET", "/skill-gap?from=" .. a .. "&to=" .. b)
end
dofile("$ROOT/bench/wrk_result.lua")
EOF

run_wrk() {  # port seconds -> RESULT line
  wrk -t"$WRK_THREADS" -c"$CONNECTIONS" -d"${2}s" --latency -s "$WORK/pairs.lua" "http://127.0.0.1:$1" | grep '^RESULT'
}
field() { sed -E "s/.* $1=([^ ]+).*/\1/" <<<"$2"; }

echo "== warm-up (3 s each)"
run_wrk "$NGINX_PORT" 3 >/dev/null
run_wrk "$API_PORT" 3 >/dev/null
echo "== nginx, static file: $CONNECTIONS connections, ${DURATION} s"
NG=$(run_wrk "$NGINX_PORT" "$DURATION"); echo "   $NG"
run_wrk "$FLOOR_PORT" 3 >/dev/null
# The floor and the API in interleaved rounds, the order alternating, so that a drift of this
# shared machine's speed (one run of 12-06 scattered 0.55x-0.68x) falls on both alike; each round
# gives one ratio, and the round of the median ratio stands for the run.
measure() {  # name pid port -> "RESULT line|CPU ticks"
  local c0 line
  c0=$(cpu_ticks "$2")
  line=$(run_wrk "$3" "$ROUND_SECONDS")
  echo "$line|$(( $(cpu_ticks "$2") - c0 ))"
  echo "   $1: $line" >&2
}
ROUND_DATA=""
for ((r = 1; r <= ROUNDS; r++)); do
  echo "== round $r/$ROUNDS: bench_floor_server (the same bytes from a bare cpprestsdk listener) and skillgap-api (random real pairs), $CONNECTIONS connections, ${ROUND_SECONDS} s each"
  if ((r % 2)); then
    F=$(measure floor "$FLOOR_PID" "$FLOOR_PORT"); A=$(measure api "$API_PID" "$API_PORT")
  else
    A=$(measure api "$API_PID" "$API_PORT"); F=$(measure floor "$FLOOR_PID" "$FLOOR_PORT")
  fi
  ROUND_DATA+="$F|$A;"
done
kill "$FLOOR_PID"; wait "$FLOOR_PID" 2>/dev/null || true; FLOOR_PID=""
# The median round (by api / floor requests/s): its lines feed every figure below.
# Also the quartiles of the rounds' ratios, and of their CPU-per-request ratios (floor / api).
read -r MEDIAN_ROUND ROUND_RATIOS ROUND_SPREAD < <(python3 - "$ROUND_DATA" <<'EOF'
import re, statistics, sys
rounds = [r.split("|") for r in sys.argv[1].split(";") if r]
num = lambda line, k: float(re.search(rf"\b{k}=([0-9.]+)", line).group(1))
ratios = [num(a, "rps") / num(f, "rps") for f, _, a, _ in rounds]
cpu = [(int(fc) / num(f, "requests")) / (int(ac) / num(a, "requests")) for f, fc, a, ac in rounds]
order = sorted(range(len(ratios)), key=ratios.__getitem__)
q = lambda xs: statistics.quantiles(xs, n=4) if len(xs) > 1 else [xs[0]] * 3
(r1, r2, r3), (c1, c2, c3) = q(ratios), q(cpu)
print(order[len(order) // 2], ",".join(f"{x:.2f}" for x in ratios),
      f"quartiles_{r1:.2f}/{r2:.2f}/{r3:.2f};_CPU_per_request_floor/api_quartiles_{c1:.2f}/{c2:.2f}/{c3:.2f}")
EOF
)
IFS='|' read -r TF TF_CPU API API_CPU < <(tr ';' '\n' <<<"$ROUND_DATA" | sed -n "$((MEDIAN_ROUND + 1))p")
echo "   api / floor per round: $ROUND_RATIOS; the median is round $((MEDIAN_ROUND + 1)); ${ROUND_SPREAD//_/ }"

# A wrk script asking PATH_PREFIX + a random line of LINES (already URL-encoded), each wrk
# thread with its own seed:  random_line_script LINES PATH_PREFIX OUT.lua
random_line_script() {
  cat >"$3" <<EOF
local lines = {}
for line in io.lines("$1") do lines[#lines + 1] = line end
local counter = 0
function setup(thread) counter = counter + 1; thread:set("seed", counter * 104729) end
function init(args) math.randomseed(seed) end
function request()
  return wrk.format("GET", "$2" .. lines[math.random(#lines)])
end
dofile("$ROOT/bench/wrk_result.lua")
EOF
}

# GET /transitions: random real sources (every occupation, rated or estimated), default options.
random_line_script "$WORK/all_codes.txt" "/transitions?from=" "$WORK/sources.lua"
TR_BYTES=$(python3 - "$WORK/all_codes.txt" "$API_PORT" <<'EOF'
import random, sys, urllib.request
codes = open(sys.argv[1]).read().split()
random.seed(12)
sizes = [len(urllib.request.urlopen(f"http://127.0.0.1:{sys.argv[2]}/transitions?from={random.choice(codes)}").read()) for _ in range(200)]
print(sum(sizes) // len(sizes))
EOF
)
echo "== skillgap-api /transitions, random real sources (mean answer ${TR_BYTES} bytes): $CONNECTIONS connections, ${DURATION} s"
wrk -t"$WRK_THREADS" -c"$CONNECTIONS" -d3s -s "$WORK/sources.lua" "http://127.0.0.1:$API_PORT" >/dev/null  # warm-up
TR=$(wrk -t"$WRK_THREADS" -c"$CONNECTIONS" -d"${DURATION}s" --latency -s "$WORK/sources.lua" "http://127.0.0.1:$API_PORT" | grep '^RESULT')
echo "   $TR"

# GET /occupations?q=: what people type into the page's search box: real titles, alternate and
# reported titles, their first words and prefixes (a sample of 2,000 from the loaded tables).
python3 - "$WORK/onet.db" "$WORK/queries.txt" <<'EOF'
import random, re, sqlite3, sys, urllib.parse
db = sqlite3.connect(sys.argv[1])
titles = [r[0] for r in db.execute("SELECT title FROM occupations")]
for table, column in (("alternate_titles", "alternate_title"), ("reported_titles", "reported_title")):
    titles += [r[0] for r in db.execute(f"SELECT {column} FROM {table}")]  # an error here fails the run
random.seed(7)
out = []
for t in random.sample(titles, min(2000, len(titles))):
    words = re.findall(r"[A-Za-z0-9]+", t)
    kind = random.random()
    q = t if kind < 0.4 else " ".join(words[:2]) if kind < 0.7 else (words[0][:4] if words else t)
    out.append(urllib.parse.quote(q[:100]))  # the API takes 100 characters (the page cuts there too)
open(sys.argv[2], "w").write("\n".join(out) + "\n")
EOF
random_line_script "$WORK/queries.txt" "/occupations?limit=12&q=" "$WORK/search.lua"
echo "== skillgap-api /occupations?q=, random real titles, words and prefixes: $CONNECTIONS connections, ${DURATION} s"
wrk -t"$WRK_THREADS" -c"$CONNECTIONS" -d3s -s "$WORK/search.lua" "http://127.0.0.1:$API_PORT" >/dev/null  # warm-up
SE=$(wrk -t"$WRK_THREADS" -c"$CONNECTIONS" -d"${DURATION}s" --latency -s "$WORK/search.lua" "http://127.0.0.1:$API_PORT" | grep '^RESULT')
echo "   $SE"

echo "== skillgap-api /healthz (cpprestsdk's own floor, no subgraph): $CONNECTIONS connections, ${DURATION} s"
FLOOR_LINE=$(wrk -t"$WRK_THREADS" -c"$CONNECTIONS" -d"${DURATION}s" --latency -s "$ROOT/bench/wrk_result.lua" "http://127.0.0.1:$API_PORT/healthz" | grep '^RESULT')
echo "   $FLOOR_LINE"
FLOOR=$(field rps "$FLOOR_LINE")

echo "== soak: ${SOAK} s of the same load, RSS of skillgap-api"
RSS0=$(rss_kb "$API_PID")
SO=$(run_wrk "$API_PORT" "$SOAK"); echo "   $SO"
RSS1=$(rss_kb "$API_PID")
kill -TERM "$API_PID"; wait "$API_PID" && EXIT=0 || EXIT=$?; API_PID=""

# skillgap-api's own work per /skill-gap request without the transport (bench/api/serve_bench.cpp),
# on the same database: what (api − floor) CPU per request above should come out near.
echo "== bench_serve: App::serve alone on random real pairs, $THREADS threads"
SV=$("$SERVE_BIN" --db "sqlite:$WORK/onet.db" --codes "$WORK/codes.txt" --threads "$THREADS" --requests 20000 | grep '^RESULT')
echo "   $SV"

errors() { local l=$1; echo $(( $(field non2xx "$l") + $(field connect "$l") + $(field read "$l") + $(field write "$l") + $(field timeout "$l") )); }
ROUND_SECONDS="$ROUND_SECONDS" ROUND_RATIOS="$ROUND_RATIOS" ROUND_SPREAD="${ROUND_SPREAD//_/ }" CONNECTIONS="$CONNECTIONS" python3 - "$NG" "$API" "$SO" "$RSS0" "$RSS1" "$READY_MS" "$(errors "$API")" "$(errors "$SO")" "$EXIT" "$FLOOR" "$TR" "$(errors "$TR")" "$SE" "$(errors "$SE")" "$FLOOR_LINE" "$TF" "$(errors "$TF")" "$TF_CPU" "$API_CPU" "$CLK_TCK" "$SV" <<'EOF'
import os, re, sys
def f(line, k): return float(re.search(rf"\b{k}=([0-9.]+)", line).group(1))
ng, api, soak, rss0, rss1, ready, err, soak_err, ex, floor, tr, tr_err, se, se_err, floor_line, tf, tf_err, tf_cpu, api_cpu, tck, sv = sys.argv[1:]
# CPU microseconds per request of each server during its run.
tf_us = int(tf_cpu) / int(tck) * 1e6 / f(tf, "requests")
api_us = int(api_cpu) / int(tck) * 1e6 / f(api, "requests")
sv_us = f(sv, "serve_cpu_us_per_req")
tf_ratio = f(api, "rps") / f(tf, "rps")
conns = int(os.environ["CONNECTIONS"])
tr_ratio = f(tr, "rps") / f(api, "rps")
ratio = f(api, "rps") / f(ng, "rps")
growth = (int(rss1) - int(rss0)) / 1024
rows = [
  ("throughput ratio (api / nginx)", f"{ratio:.2f}  ({f(api,'rps'):.0f} / {f(ng,'rps'):.0f} req/s)", ratio >= 0.35, ">= 0.35"),
  ("api / transport floor (same bytes)", f"{tf_ratio:.2f}  ({f(api,'rps'):.0f} / {f(tf,'rps'):.0f} req/s)", tf_ratio >= 0.8, ">= 0.8"),
  ("- api / floor, each round", f"{os.environ['ROUND_RATIOS']}  (interleaved rounds of {os.environ['ROUND_SECONDS']} s; the median is shown above)", True, "-"),
  ("- spread over the rounds", os.environ["ROUND_SPREAD"], True, "-"),
  ("transport floor / nginx", f"{f(tf,'rps')/f(ng,'rps'):.2f}  (floor p99 {f(tf,'p99_ms'):.2f} ms, {int(tf_err)} errors; context)", True, "-"),
  ("- CPU per request: floor / api", f"{tf_us/api_us:.2f}  ({tf_us:.0f} / {api_us:.0f} us; the ratio above by CPU, steadier)", True, "-"),
  ("- App::serve alone (bench_serve)", f"{sv_us:.1f} us CPU per request  (api − floor above: {api_us - tf_us:.0f} us)", True, "-"),
  ("p99 latency (api, issue 10 §8)", f"{f(api,'p99_ms'):.2f} ms", f(api,'p99_ms') <= 5, "<= 5 ms"),
  # wrk is a closed loop: each connection sends its next request when the last answer is in, so
  # `conns` requests are always in flight and the mean latency is conns / rps (Little's law) —
  # the p99 is above the mean. A p99 of 5 ms at 64 connections needs > 12,800 req/s, whoever serves.
  ("- mean latency = connections / rps", f"api {1000*conns/f(api,'rps'):.2f} ms, floor {1000*conns/f(tf,'rps'):.2f} ms  (p99 <= 5 ms needs > {conns/0.005:.0f} req/s; context)", True, "-"),
  ("cpprest floor (/healthz / nginx)", f"{float(floor)/f(ng,'rps'):.2f}  ({float(floor):.0f} req/s; context for the ratio above)", True, "-"),
  ("p99 latency (api)", f"{f(api,'p99_ms'):.2f} ms  (p50 {f(api,'p50_ms'):.2f} ms; nginx p99 {f(ng,'p99_ms'):.2f} ms)", f(api,'p99_ms') <= 10, "<= 10 ms"),
  ("errors (api run + soak)", f"{int(err)} + {int(soak_err)}", int(err) + int(soak_err) == 0, "0"),
  ("RSS growth over the soak", f"{growth:.1f} MB  ({int(rss0)/1024:.1f} -> {int(rss1)/1024:.1f} MB)", growth < 10, "< 10 MB"),
  ("start-up to ready (full 29.2)", f"{int(ready)} ms", int(ready) < 1000, "< 1000 ms"),
  ("SIGTERM exit status", ex, ex == "0", "0"),
  ("/transitions throughput / /skill-gap", f"{tr_ratio:.2f}  ({f(tr,'rps'):.0f} / {f(api,'rps'):.0f} req/s)", tr_ratio >= 0.5, ">= 0.5"),
  ("/transitions p99 latency", f"{f(tr,'p99_ms'):.2f} ms  (p50 {f(tr,'p50_ms'):.2f} ms)", f(tr,'p99_ms') <= 10, "<= 10 ms"),
  ("/transitions errors", f"{int(tr_err)}", int(tr_err) == 0, "0"),
  ("/occupations?q= p99 latency", f"{f(se,'p99_ms'):.2f} ms  (p50 {f(se,'p50_ms'):.2f} ms; {f(se,'rps'):.0f} req/s)", f(se,'p99_ms') <= 5, "<= 5 ms"),
  ("- /healthz p99 (the transport's floor)", f"{f(floor_line,'p99_ms'):.2f} ms  (p50 {f(floor_line,'p50_ms'):.2f} ms; context for the p99s above)", True, "-"),
  ("/occupations?q= errors", f"{int(se_err)}", int(se_err) == 0, "0"),
]
print("\n== summary")
for name, val, ok, target in rows:
    print(f"   {name:34} {val:62} target {target:10} {'ok' if ok else 'MISSED'}")
import os
print(f"   (load average during the run: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores; wrk, nginx and the server share them)")
EOF
