#!/usr/bin/env bash
# LLM provider faults (issue 7): `dagrun run pipelines/full.yaml` on the real O*NET 29.2 release
# with llm_enrich (provider openai) against a fake OpenAI-compatible server on loopback
# (bench/faults/fake_openai.py) that, counted from its first request, answers
#   0-1 s  429 + Retry-After: 1,   1-2 s  500,   2-3 s  garbage (not JSON, prose,
#   out-of-range levels and invented ids, a cut-off answer),   then good answers with 2 %
#   sporadic 500/garbage; five occupations (spread over the release) get 500 every time.
# llm_enrich runs with its defaults (4 retries, backoff 1 s doubling with jitter, Retry-After
# honoured), concurrency 8, rpm unlimited, on_error skip. Then the server recovers fully and
# the pipeline runs again: only the occupations given up on are asked.
# Checks on the SQLite database after each run, against a run without LLM:
#   * the run finished (exit 0), the five occupations recorded as failed, no other failure;
#   * O*NET's own rows and columns identical to the run without LLM (occupations, elements,
#     scales, every rating's O*NET fields), and the same number of O*NET rating rows;
#   * every llm_value / refined_value in 0..7, only on skill LV rows, each tied to an `ok`
#     assessment (same occupation and element, provider, model, raw level in 0..7) whose
#     calibrated level (clamped) is the row's llm_value; LLM-only rows have no O*NET value;
#   * no LLM value for an occupation given up on; after the recovery run, all of them have.
# Prints calls, retries, failures, answers by kind and durations. Exit status 1 on a failed check.
#
#   bench/faults/llm_faults.sh
#   BUILD_DIR (build), ONET_DATA_DIR (../shared/onet/db_29_2_text), KEEP=1 keeps the scratch dir.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$(pwd)
BUILD_DIR=${BUILD_DIR:-build}
DATA=${ONET_DATA_DIR:-$ROOT/../shared/onet/db_29_2_text}
die() { echo "bench/faults: $*" >&2; exit 2; }
[[ -f "$DATA/Skills.txt" ]] || die "no O*NET release in '$DATA' (set ONET_DATA_DIR)"
DATA=$(realpath "$DATA")
DAGRUN=$(realpath -m "$BUILD_DIR/engine/cli/dagrun")
[[ -x $DAGRUN ]] || die "build first: ninja -C $BUILD_DIR dagrun"
for c in sqlite3 python3 curl; do command -v $c >/dev/null || die "$c missing"; done

WORK=$(mktemp -d "${TMPDIR:-/tmp}/skillgap-llmfaults.XXXXXX")
FAKE_PID=""
cleanup() {
  [[ -n $FAKE_PID ]] && kill "$FAKE_PID" 2>/dev/null || true
  if [[ ${KEEP:-0} == 1 ]]; then echo "bench/faults: kept $WORK" >&2; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
now() { date +%s.%N | cut -c1-14; }
log() { echo "[$(date -u +%H:%M:%S)] $*" >&2; }
MODEL=fake-faults

# Five occupations spread over the release that the fake never answers.
mapfile -t ALWAYS < <(awk -F'\t' 'NR > 1 { c[n++] = $1 } END { for (i = 1; i <= 5; i++) print c[int(i * n / 6)] }' \
  "$DATA/Occupation Data.txt")
ALWAYS_JSON=$(printf '"%s",' "${ALWAYS[@]}"); ALWAYS_JSON="[${ALWAYS_JSON%,}]"
ALWAYS_SQL=$(printf "'%s'," "${ALWAYS[@]}"); ALWAYS_SQL="(${ALWAYS_SQL%,})"

start_fake() {  # start_fake SCHEDULE_JSON NAME
  rm -f "$WORK/port"
  python3 bench/faults/fake_openai.py "$WORK/port" "$DATA/Skills.txt" "$1" "$WORK/stats_$2.json" &
  FAKE_PID=$!
  for i in $(seq 1 200); do [[ -f $WORK/port ]] && break; sleep 0.05; done
  [[ -f $WORK/port ]] || die "fake server did not start"
  FAKE_PORT=$(<"$WORK/port")
}
stop_fake() { curl -s -o /dev/null "http://127.0.0.1:$FAKE_PORT/stats"; kill "$FAKE_PID"; wait "$FAKE_PID" 2>/dev/null || true; FAKE_PID=""; }

run() {  # run NAME DB LLM(0|1) -> exit status; report in $WORK/NAME.json, log in NAME.log, seconds in NAME.secs
  local name=$1 db=$2 llm=$3 t0 rc=0
  local envs=(env -u LLM_PROVIDER -u LLM_API_KEY -u GEMINI_API_KEY ONET_SOURCE="$DATA" DATABASE_URL="sqlite:$db" ON_ERROR=fail)
  if (( llm )); then
    envs+=(LLM_PROVIDER=openai LLM_BASE_URL="http://127.0.0.1:$FAKE_PORT" LLM_MODEL=$MODEL LLM_CONCURRENCY=8 LLM_RPM=0)
  fi
  t0=$(now)
  "${envs[@]}" "$DAGRUN" run pipelines/full.yaml --json "$WORK/$name.json" \
    --set "nodes.validate.params.rejects_path=$WORK/rejects.tsv" --set nodes.llm.params.on_error=skip \
    --set nodes.llm.params.progress_s=2 >"$WORK/$name.log" 2>&1 || rc=$?
  awk -v a="$t0" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }' >"$WORK/$name.secs"
  return $rc
}

log "baseline: full.yaml without LLM"
run base "$WORK/base.db" 0 || { tail "$WORK/base.log" >&2; die "baseline load failed"; }

log "faulty provider: 429 / 500 / garbage for 3 s, then 2 % sporadic faults; always 500 for ${ALWAYS[*]}"
start_fake "{\"phases\": [[1.0, \"429\"], [2.0, \"500\"], [3.0, \"garbage\"]], \"always_500\": $ALWAYS_JSON, \"sporadic\": 0.02}" faulty
RC1=0; run faulty "$WORK/llm.db" 1 || RC1=$?
stop_fake
log "  exit $RC1 after $(<"$WORK/faulty.secs") s"

checks() {  # checks PHASE -> lines "name|value|ok"
  local phase=$1
  sqlite3 "$WORK/llm.db" <<SQL
ATTACH '$WORK/base.db' AS b;
.separator |
SELECT 'O*NET rating rows differing from the run without LLM (both ways)',
  (SELECT COUNT(*) FROM (SELECT onetsoc_code, element_id, scale_id, data_value, n, standard_error, lower_ci_bound,
       upper_ci_bound, recommend_suppress, not_relevant, date_updated, domain_source, value_source
     FROM main.occupation_ratings WHERE value_source <> 'llm'
     EXCEPT SELECT onetsoc_code, element_id, scale_id, data_value, n, standard_error, lower_ci_bound,
       upper_ci_bound, recommend_suppress, not_relevant, date_updated, domain_source, value_source FROM b.occupation_ratings))
  + (SELECT COUNT(*) FROM (SELECT onetsoc_code, element_id, scale_id, data_value, n, standard_error, lower_ci_bound,
       upper_ci_bound, recommend_suppress, not_relevant, date_updated, domain_source, value_source FROM b.occupation_ratings
     EXCEPT SELECT onetsoc_code, element_id, scale_id, data_value, n, standard_error, lower_ci_bound,
       upper_ci_bound, recommend_suppress, not_relevant, date_updated, domain_source, value_source
     FROM main.occupation_ratings WHERE value_source <> 'llm')), 0;
SELECT 'occupations / elements / scales differing (load_run_id aside)',
  (SELECT COUNT(*) FROM (SELECT onetsoc_code, title, description, source FROM main.occupations
     EXCEPT SELECT onetsoc_code, title, description, source FROM b.occupations))
  + (SELECT COUNT(*) FROM (SELECT onetsoc_code, title, description, source FROM b.occupations
     EXCEPT SELECT onetsoc_code, title, description, source FROM main.occupations))
  + (SELECT COUNT(*) FROM (SELECT * FROM main.content_elements EXCEPT SELECT * FROM b.content_elements))
  + (SELECT COUNT(*) FROM (SELECT * FROM main.scales EXCEPT SELECT * FROM b.scales)), 0;
SELECT 'LLM values outside 0..7',
  (SELECT COUNT(*) FROM occupation_ratings WHERE (llm_value IS NOT NULL AND (llm_value < 0 OR llm_value > 7))
     OR (refined_value IS NOT NULL AND (refined_value < 0 OR refined_value > 7))), 0;
SELECT 'LLM values on rows other than skill LV',
  (SELECT COUNT(*) FROM occupation_ratings WHERE (llm_value IS NOT NULL OR refined_value IS NOT NULL)
     AND (scale_id <> 'LV' OR NOT (element_id LIKE '2.A.%' OR element_id LIKE '2.B.%'))), 0;
SELECT 'LLM values without a matching ok assessment',
  (SELECT COUNT(*) FROM occupation_ratings r WHERE r.llm_value IS NOT NULL AND NOT EXISTS (
     SELECT 1 FROM llm_assessments a WHERE a.onetsoc_code = r.onetsoc_code AND a.element_id = r.element_id
       AND a.status = 'ok' AND a.provider = 'openai' AND a.model = '$MODEL' AND a.raw_level BETWEEN 0 AND 7
       AND ABS(MIN(MAX(a.calibrated_level, 0), 7) - r.llm_value) < 0.005)), 0;
SELECT 'rated rows with llm_value but no refined_value, or the reverse',
  (SELECT COUNT(*) FROM occupation_ratings WHERE (llm_value IS NULL) <> (refined_value IS NULL)), 0;
SELECT 'LLM-only rows with an O*NET value, or without an LLM value',
  (SELECT COUNT(*) FROM occupation_ratings WHERE value_source = 'llm' AND (data_value IS NOT NULL OR llm_value IS NULL)), 0;
SELECT 'ok assessments with a raw level outside 0..7',
  (SELECT COUNT(*) FROM llm_assessments WHERE status = 'ok' AND (raw_level IS NULL OR raw_level < 0 OR raw_level > 7)), 0;
SELECT 'rows with LLM values (enriched O*NET rows + LLM-only rows)',
  (SELECT COUNT(*) FROM occupation_ratings WHERE llm_value IS NOT NULL AND value_source <> 'llm') || ' + ' ||
  (SELECT COUNT(*) FROM occupation_ratings WHERE value_source = 'llm'), 'info';
SELECT 'occupations given up on: with failed rows / without any ok row',
  (SELECT COUNT(DISTINCT onetsoc_code) FROM llm_assessments WHERE status = 'failed') || ' / ' ||
  (SELECT COUNT(*) FROM occupations o WHERE NOT EXISTS (SELECT 1 FROM llm_assessments a WHERE a.onetsoc_code = o.onetsoc_code AND a.status = 'ok')),
  CASE '$phase' WHEN 'faulty' THEN '5 / 5' ELSE '5 / 0' END;
SELECT 'LLM values on the five never-answered occupations',
  (SELECT COUNT(*) FROM occupation_ratings WHERE onetsoc_code IN $ALWAYS_SQL AND llm_value IS NOT NULL),
  CASE '$phase' WHEN 'faulty' THEN '0' ELSE '>0' END;
SQL
}

summary_of() {  # the llm node's counters and the load's summary
  python3 - "$WORK/$1.json" <<'EOF'
import json, sys
r = json.load(open(sys.argv[1]))
llm = next(n for n in r["nodes"] if n["id"] == "llm")
c = llm.get("counters", {})
print(json.dumps({"ok": r["ok"], "error": r.get("error", ""), "seconds": round(r["seconds"], 1), "llm_seconds": round(llm["seconds"], 1),
                  **{k: c.get(k) for k in ("occupations", "calls", "cache_hits", "retries", "failures", "enriched_rows", "llm_rows")}}))
EOF
}
CHECK1=$(checks faulty)
SUM1=$(summary_of faulty)
FAILED_LISTED=$(sqlite3 "$WORK/llm.db" "SELECT json_extract(llm_summary, '$.failed_occupations') FROM load_runs WHERE status = 'completed' ORDER BY run_id DESC LIMIT 1")

log "recovered provider: the same pipeline again"
start_fake '{"phases": []}' recovered
RC2=0; run recovered "$WORK/llm.db" 1 || RC2=$?
stop_fake
CHECK2=$(checks recovered)
SUM2=$(summary_of recovered)

python3 - "$RC1" "$RC2" "$SUM1" "$SUM2" "$WORK/stats_faulty.json" "$WORK/stats_recovered.json" "$FAILED_LISTED" "$CHECK1" "$CHECK2" "$(<"$WORK/base.secs")" <<'EOF'
import json, os, sys
rc1, rc2, s1, s2, st1, st2, listed, c1, c2, base_s = sys.argv[1:]
s1, s2 = json.loads(s1), json.loads(s2)
st1, st2 = json.load(open(st1)), json.load(open(st2))
failed = False
def row(name, val, ok, target):
    global failed
    failed |= not ok
    print(f"   {name:62} {str(val):58} {target:8} {'ok' if ok else 'MISSED'}")
for title, rc, s, st, c, exp_fail, exp_calls in (
        ("faulty provider (on_error skip)", rc1, s1, st1, c1, 5, None),
        ("recovered provider, same pipeline again", rc2, s2, st2, c2, 0, 5)):
    print(f"\n== {title}")
    row("dagrun exit status", rc, rc == "0", "0")
    row("duration: run / llm node (baseline without LLM %s s)" % base_s, f"{s['seconds']} s / {s['llm_seconds']} s", True, "info")
    row("calls (node) / requests seen by the server", f"{s['calls']} / {st['calls']}", True, "info")
    row("answers served: ok / 429 / 500 / garbage / sporadic / always-500",
        f"{st['ok']} / {st['429']} / {st['500']} / {st['garbage']} / {st['sporadic']} / {st['always_500']}", True, "info")
    row("retries / occupations given up (failures)", f"{s['retries']} / {s['failures']}", s["failures"] == exp_fail, f"-/{exp_fail}")
    if exp_calls is not None:
        row("calls of the recovery run (only what failed before)", s["calls"], s["calls"] == exp_calls, str(exp_calls))
    row("occupations from the journal (cache hits)", s["cache_hits"], True, "info")
    row("enriched O*NET rows / LLM-only rows (node)", f"{s['enriched_rows']} / {s['llm_rows']}", True, "info")
    for line in c.splitlines():
        name, val, target = line.split("|")
        if target == "info": ok = True
        elif target == ">0": ok = int(val) > 0
        else: ok = val.strip() == target.strip()
        row(name, val, ok, target)
print(f"\n   failed_occupations in load_runs.llm_summary after the faulty run: {listed}")
print(f"   (load average at the end: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)")
sys.exit(1 if failed else 0)
EOF
