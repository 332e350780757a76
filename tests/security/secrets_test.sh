#!/usr/bin/env bash
# Secrets never appear in what the programs show, the API listens on loopback by default, and
# oversized requests are refused without harming the server (tests/security, label security).
#
#   secrets_test.sh DAGRUN SKILLGAP_API      (run from the repository root; needs curl, python3)
#
# Every output is captured under a scratch directory: dagrun's stdout/stderr and --json report
# for a full run of pipelines/sample.yaml into SQLite (LLM enrichment replayed from the
# committed cassette, with API keys set), a run that fails on an unreachable MySQL URL with a
# password, `dagrun config` of every pipeline; skillgap-api's log, --help, and the headers and
# bodies of /metrics, /readyz, error paths and the O*NET fallback, once over an unreachable
# MySQL URL with a password and once over the working SQLite database, with ONET_API_KEY set.
# Then, for every password of tests/security/passwords.tsv ('@', ':', '/', '%40', '#', empty):
# `dagrun config`, a validation error quoting the URL, a failing run, `skillgap-api --help` and
# a server start-up over a MySQL URL with that password. Then the distinctive secret values, and
# every piece of those passwords, must appear nowhere in all of it.
set -uo pipefail
[[ $# == 2 && -x $1 && -x $2 ]] || { echo "usage: $0 DAGRUN SKILLGAP_API (executables)"; exit 2; }
DAGRUN=$(realpath "$1")
API=$(realpath "$2")
ROOT=$(pwd)
[[ -f pipelines/sample.yaml ]] || { echo "run from the repository root"; exit 2; }
command -v curl >/dev/null || { echo "needs curl (scripts/deps.sh --test)"; exit 2; }

PW='S3cretPW-x7q'
LLM_KEY='llm-key-Sekrit-4711'
GEM_KEY='gemini-key-Sekrit-0815'
ONET_KEY='onet-key-Sekrit-2342'
SECRETS=("$PW" "$LLM_KEY" "$GEM_KEY" "$ONET_KEY")
# name, password as written in a URL, decoded (tab-separated; '#' lines are comments).
PASSWORDS_FILE=tests/security/passwords.tsv
[[ -f $PASSWORDS_FILE ]] || { echo "missing $PASSWORDS_FILE"; exit 2; }
while IFS=$'\t' read -r _ raw decoded; do
  # Every run of 4+ letters and digits of either spelling is a piece no output may show.
  while read -r piece; do [[ -n $piece ]] && SECRETS+=("$piece"); done < <(printf '%s\n%s\n' "$raw" "$decoded" | grep -oE '[A-Za-z0-9]{4,}')
done < <(grep -v '^#' "$PASSWORDS_FILE")

OUT=$(mktemp -d "${TMPDIR:-/tmp}/skillgap-secrets.XXXXXX")
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do [[ -n $p ]] && kill -TERM "$p" 2>/dev/null; done
  for p in "${PIDS[@]}"; do [[ -n $p ]] && wait "$p" 2>/dev/null; done
  if [[ ${FAILED:-0} == 0 ]]; then rm -rf "$OUT"; else echo "outputs kept in $OUT"; fi
}
trap cleanup EXIT
FAILED=0
fail() { echo "FAIL: $*"; FAILED=1; }
step() { echo "--- $*"; }

# A loopback port nobody listens on, and a free one for each server.
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
DEAD=$(free_port)
MYSQL_URL="mysql://onet:${PW}@127.0.0.1:${DEAD}/onet"

export LLM_API_KEY=$LLM_KEY GEMINI_API_KEY=$GEM_KEY ONET_API_KEY=$ONET_KEY
export ONET_API_BASE="http://127.0.0.1:${DEAD}"

# ---- dagrun -------------------------------------------------------------------------------
step "dagrun: full sample run into SQLite (LLM replay, keys set)"
DB="$OUT/sample.db"
SAMPLE_DATABASE_URL="sqlite:$DB" LLM_PROVIDER=replay LLM_CASSETTE=tests/fixtures/llm/onet_mini.cassette.jsonl \
  "$DAGRUN" run pipelines/sample.yaml --set nodes.validate.params.rejects_path="$OUT/rejects.tsv" \
  --json "$OUT/run.json" >"$OUT/run.out" 2>"$OUT/run.err"
rc=$?
[[ $rc == 0 ]] || fail "dagrun run pipelines/sample.yaml exited $rc: $(tail -5 "$OUT/run.err")"

step "dagrun: a run into an unreachable MySQL (password in the URL) fails and says so"
SAMPLE_DATABASE_URL="$MYSQL_URL" DATABASE_URL="$MYSQL_URL" "$DAGRUN" run pipelines/sample.yaml \
  --set nodes.validate.params.rejects_path="$OUT/rejects2.tsv" --json "$OUT/run-mysql.json" \
  >"$OUT/run-mysql.out" 2>"$OUT/run-mysql.err"
rc=$?
[[ $rc != 0 ]] || fail "a run into an unreachable database succeeded"
grep -q "127.0.0.1:${DEAD}\|127.0.0.1" "$OUT/run-mysql.err" "$OUT/run-mysql.out" || fail "the failing run does not name the database"

step "dagrun config / validate / graph of every pipeline with secrets in the environment"
for p in pipelines/*.yaml; do
  b=$(basename "$p" .yaml)
  DATABASE_URL="$MYSQL_URL" SAMPLE_DATABASE_URL="$MYSQL_URL" LLM_PROVIDER=openai LLM_MODEL=m \
    "$DAGRUN" config "$p" --set settings.db_password="$PW" >"$OUT/config-$b.out" 2>"$OUT/config-$b.err"
  DATABASE_URL="$MYSQL_URL" SAMPLE_DATABASE_URL="$MYSQL_URL" "$DAGRUN" validate "$p" >"$OUT/validate-$b.out" 2>&1
  DATABASE_URL="$MYSQL_URL" SAMPLE_DATABASE_URL="$MYSQL_URL" "$DAGRUN" graph "$p" --format dot >"$OUT/graph-$b.out" 2>&1
done
grep -q '\*\*\*' "$OUT/config-full.out" || fail "dagrun config of full.yaml shows no masked value (expected the URL password as ***)"
"$DAGRUN" nodes llm_enrich >"$OUT/nodes.out" 2>&1
# Keys the LLM node reads are declared in its spec, so config shows them, masked (issue 10 §5).
grep -Eq 'gemini_api_key: *"?\*\*\*' "$OUT/config-full.out" ||
  fail "dagrun config of full.yaml does not show gemini_api_key masked: $(grep -n gemini "$OUT/config-full.out" | head -3)"
grep -q 'gemini_api_key' "$OUT/nodes.out" || fail "dagrun nodes llm_enrich does not list gemini_api_key"

# ---- skillgap-api ---------------------------------------------------------------------------
step "skillgap-api --help: default listen address"
"$API" --help >"$OUT/help.out" 2>&1
grep -q '127\.0\.0\.1:8080' "$OUT/help.out" || fail "--help does not show the default listen address 127.0.0.1:8080"
grep -q '0\.0\.0\.0' "$OUT/help.out" && fail "--help mentions 0.0.0.0"

wait_http() {  # port -> 0 once /healthz answers
  for _ in $(seq 1 200); do
    curl -s -o /dev/null "http://127.0.0.1:$1/healthz" && return 0
    sleep 0.1
  done
  return 1
}
hit() {  # port method target [curl args...] -> status line; headers + body kept in $OUT/http-*.txt
  local port=$1 method=$2 target=$3 f
  shift 3
  f=$(mktemp "$OUT/http-XXXXXX.txt")
  curl -s -i -X "$method" --max-time 20 "$@" "http://127.0.0.1:${port}${target}" >"$f" 2>&1
  head -1 "$f" | tr -d '\r'
}
requests() {  # port
  local port=$1
  for t in /healthz /readyz /metrics /openapi.json "/skill-gap?from=11-9901.00&to=15-9901.00" \
    "/skill-gap?from=99-9999.00&to=15-9901.00" "/skill-gap?from=15-1254.00&to=15-1251.00" \
    "/skill-gap?from=11-9901.00&to=15-9901.00&source=llm" "/skill-gap?from=x" "/skill-gap?from=%ZZ" \
    "/occupations?q=a" "/occupations/99-9998.00" "/occupations/11-9901.00" /nope \
    "/skill-gap?from=11-9901.00&to=15-9901.00&password=${PW}x"; do
    hit "$port" GET "$t" >/dev/null
  done
  hit "$port" POST /skill-gap -d 'x=1' >/dev/null
  hit "$port" GET /metrics >/dev/null  # after the errors, so their counters show
}

step "skillgap-api over an unreachable MySQL (password in the URL), ONET_API_KEY set, fallback unreachable"
P1=$(free_port)
"$API" --listen "127.0.0.1:$P1" --db "$MYSQL_URL" --refresh-seconds 0.2 --threads 2 >"$OUT/api-mysql.log" 2>&1 &
PIDS+=($!)
if wait_http "$P1"; then
  requests "$P1"
  s=$(hit "$P1" GET /readyz)
  [[ $s == *" 503"* ]] || fail "/readyz with the database down: $s (expected 503)"
  s=$(hit "$P1" GET "/skill-gap?from=11-9901.00&to=15-9901.00")
  [[ $s == *" 503"* ]] || fail "/skill-gap with the database down: $s (expected 503)"
  sleep 0.5  # a few refresher attempts, each logged
else
  fail "skillgap-api over the unreachable database did not answer /healthz"
fi
grep -qi "unavailable\|cannot\|can't\|fail" "$OUT/api-mysql.log" || fail "the database outage was not logged"

step "skillgap-api over the loaded SQLite database, ONET_API_KEY set, fallback unreachable"
P2=$(free_port)
DATABASE_URL="$MYSQL_URL" "$API" --listen "127.0.0.1:$P2" --db "sqlite:$DB" --threads 2 >"$OUT/api-sqlite.log" 2>&1 &
PIDS+=($!)
if wait_http "$P2"; then
  requests "$P2"
  s=$(hit "$P2" GET "/skill-gap?from=11-9901.00&to=15-9901.00")
  [[ $s == *" 200"* ]] || fail "/skill-gap over SQLite: $s (expected 200)"
  s=$(hit "$P2" GET "/occupations/99-9997.00")
  [[ $s == *" 503"* ]] || fail "/occupations/unknown with O*NET unreachable: $s (expected 503 onet_api_unavailable)"

  step "request limits: oversized body, 100 KB path, 100 KB header; the server keeps serving"
  head -c 10000000 /dev/zero | tr '\0' 'a' >"$OUT/big-body"
  s=$(hit "$P2" POST "/skill-gap?from=11-9901.00&to=15-9901.00" --data-binary @"$OUT/big-body")
  echo "10 MB body: ${s:-connection closed}"
  [[ -z $s || $s == *" 4"[0-9][0-9]* ]] || fail "10 MB POST body: '$s' (expected a 4xx or a closed connection)"
  s=$(hit "$P2" GET "/$(head -c 100000 /dev/zero | tr '\0' 'p')")
  echo "100 KB path: ${s:-connection closed}"
  [[ -z $s || $s == *" 4"[0-9][0-9]* ]] || fail "100 KB path: '$s' (expected a 4xx or a closed connection)"
  s=$(hit "$P2" GET "/healthz" -H "X-Big: $(head -c 100000 /dev/zero | tr '\0' 'h')")
  echo "100 KB header: ${s:-connection closed}"
  [[ -z $s || $s == *" 4"[0-9][0-9]* || $s == *" 200"* ]] || fail "100 KB header: '$s'"
  s=$(hit "$P2" GET "/skill-gap?from=11-9901.00&to=15-9901.00")
  [[ $s == *" 200"* ]] || fail "after the oversized requests /skill-gap answers '$s' (expected 200)"
  rm -f "$OUT/big-body"
else
  fail "skillgap-api over SQLite did not answer /healthz"
fi

# Listening TCP sockets as ADDR:PORT lines, from /proc/net/tcp{,6} (no ss/netstat needed).
listeners() {
  python3 - <<'PY'
import socket, struct
for f, fam in (("/proc/net/tcp", socket.AF_INET), ("/proc/net/tcp6", socket.AF_INET6)):
    try:
        lines = open(f).read().splitlines()[1:]
    except OSError:
        continue
    for l in lines:
        parts = l.split()
        if parts[3] != "0A":  # LISTEN
            continue
        addr, port = parts[1].split(":")
        raw = bytes.fromhex(addr)
        raw = b"".join(raw[i:i + 4][::-1] for i in range(0, len(raw), 4))  # per-word host order
        host = socket.inet_ntop(fam, raw)
        print(f"{host}:{int(port, 16)}" if fam == socket.AF_INET else f"[{host}]:{int(port, 16)}")
PY
}

step "skillgap-api with the default --listen: bound to 127.0.0.1, not to every interface"
if listeners | grep -q ':8080$'; then
  echo "SKIP default-listen start: port 8080 is in use here (--help was checked above)"
else
  "$API" --db "sqlite:$DB" --threads 2 >"$OUT/api-default.log" 2>&1 &
  PIDS+=($!)
  if wait_http 8080; then
    listeners | grep ':8080$' >"$OUT/listeners.txt"
    echo "listening: $(tr '\n' ' ' <"$OUT/listeners.txt")"
    grep -qx '127\.0\.0\.1:8080' "$OUT/listeners.txt" || fail "default listener not on 127.0.0.1:8080: $(cat "$OUT/listeners.txt")"
    grep -Eqx '(0\.0\.0\.0|\[::\]):8080' "$OUT/listeners.txt" && fail "default listener on every interface: $(cat "$OUT/listeners.txt")"
  else
    fail "skillgap-api with the default --listen did not answer on 127.0.0.1:8080"
  fi
fi

step "every password of $PASSWORDS_FILE: config, validation, a failing run, --help and a server start-up"
DATABASE_URL='mysql://root:p@ss:w0rd@db/onet' "$DAGRUN" config pipelines/full.yaml >"$OUT/config-issue10.out" 2>&1
grep -q 'database: mysql://root:\*\*\*@db/onet$' "$OUT/config-issue10.out" ||
  fail "dagrun config of mysql://root:p@ss:w0rd@db/onet: $(grep 'database:' "$OUT/config-issue10.out" | head -1)"
while IFS=$'\t' read -r name raw _; do
  url="mysql://onet:${raw}@127.0.0.1:${DEAD}/onet"
  shown="mysql://onet:***@127.0.0.1:${DEAD}/onet"
  DATABASE_URL="$url" "$DAGRUN" config pipelines/full.yaml >"$OUT/pw-$name-config.out" 2>&1
  grep -qF "database: $shown" "$OUT/pw-$name-config.out" || fail "password '$name': dagrun config does not show $shown"
  DATABASE_URL="$url" "$DAGRUN" validate pipelines/full.yaml --set "nodes.load.params.batch_rows=$url" \
    >"$OUT/pw-$name-validate.out" 2>&1
  grep -qF "got '$shown'" "$OUT/pw-$name-validate.out" || fail "password '$name': the validation error does not quote $shown"
  SAMPLE_DATABASE_URL="$url" "$DAGRUN" run pipelines/sample.yaml --set nodes.validate.params.rejects_path="$OUT/pw-$name.tsv" \
    --json "$OUT/pw-$name-run.json" >"$OUT/pw-$name-run.out" 2>"$OUT/pw-$name-run.err"
  [[ $? != 0 ]] || fail "password '$name': a run into an unreachable database succeeded"
  grep -qF "$shown" "$OUT/pw-$name-run.err" || fail "password '$name': the failing run does not name $shown"
  DATABASE_URL="$url" "$API" --help >"$OUT/pw-$name-help.out" 2>&1
  grep -qF "$shown" "$OUT/pw-$name-help.out" || fail "password '$name': --help does not show the default as $shown"
  port=$(free_port)
  DATABASE_URL="$url" "$API" --listen "127.0.0.1:$port" --refresh-seconds 0.2 --threads 2 >"$OUT/pw-$name-api.log" 2>&1 &
  pid=$!
  PIDS+=("$pid")
  if wait_http "$port"; then
    for t in /readyz /metrics "/skill-gap?from=11-9901.00&to=15-9901.00" /occupations/11-9901.00 /metrics; do
      hit "$port" GET "$t" >/dev/null
    done
  else
    fail "password '$name': skillgap-api did not answer /healthz"
  fi
  kill -TERM "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null
  keep=(); for p in "${PIDS[@]}"; do [[ $p == "$pid" ]] || keep+=("$p"); done; PIDS=("${keep[@]}")
  grep -qF "database $shown" "$OUT/pw-$name-api.log" || fail "password '$name': the start-up line does not name $shown"
done < <(grep -v '^#' "$PASSWORDS_FILE")

# Stop the servers (their shutdown lines go to the logs too), then search everything.
for p in "${PIDS[@]}"; do [[ -n $p ]] && kill -TERM "$p" 2>/dev/null; done
for p in "${PIDS[@]}"; do [[ -n $p ]] && wait "$p" 2>/dev/null; done
PIDS=()

step "searching $(find "$OUT" -type f | wc -l) captured files ($(du -sh "$OUT" | cut -f1)) for ${#SECRETS[@]} secrets and password pieces"
for s in "${SECRETS[@]}"; do
  # (One request sends the password as a query value: the server must not echo that either.)
  hits=$(grep -rlF -- "$s" "$OUT" || true)
  for h in $hits; do
    case "$h" in
      *.db|*.db-wal|*.db-shm) continue ;;  # the loaded database itself, not an output
    esac
    fail "secret '${s:0:4}...' found in $(basename "$h"): $(grep -F -- "$s" "$h" | head -2 | cut -c1-200)"
  done
done
n=$(head -qn1 "$OUT"/http-*.txt | grep -c '^HTTP/')
echo "$n HTTP responses captured"
[[ $n -ge 30 ]] || fail "fewer HTTP exchanges captured than expected"

if [[ $FAILED == 0 ]]; then echo "PASS: no secret in any output; loopback by default; limits hold"; fi
exit $FAILED
