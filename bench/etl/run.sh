#!/usr/bin/env bash
# ETL benchmark: the full O*NET 29.2 load (the five core tables — Occupation Data, Content Model
# Reference, Scales Reference, Skills, Knowledge — and the nine descriptive ones — tasks, titles,
# job zones, anchors, technologies, education) through `dagrun pipelines/full.yaml` — reading,
# validating, loading — against the raw bulk import of the same files into the same tables, in
# the same run (and, for information, the same pipeline on the five core files alone):
#   SQLite   sqlite3 .import (staged, then INSERT ... SELECT into the schema's tables; and,
#            for information, .import straight into file-shaped tables with the same keys)
#   MariaDB  LOAD DATA LOCAL INFILE into the schema's tables (private server on loopback,
#            started and stopped by scripts/mariadb-test-server.sh)
# Each side starts from an empty database with the schema already created, one transaction,
# the same durability settings. Prints medians, the ratios (target: pipeline within 1.5x of
# the bulk import), the pipeline's peak RSS (target < 200 MB), the time of a reload into the
# populated database, and whether both sides produced identical rows. Exit status 1 when a
# target is missed. Not part of ctest.
#
#   bench/etl/run.sh [--runs N] [--no-mariadb]
#   ONET_DATA_DIR  release folder (default ../shared/onet/db_29_2_text)
#   BUILD_DIR      build tree holding engine/cli/dagrun (default build)
#   BENCH_DIR      scratch directory (default $BUILD_DIR/bench-etl; wiped first)
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$(pwd)

die() { echo "bench/etl: $*" >&2; exit 2; }

RUNS=3
MARIADB=1
while (( $# )); do
  case "$1" in
    --runs) RUNS=${2:?--runs needs a number}; shift ;;
    --no-mariadb) MARIADB=0 ;;
    -h|--help) sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown argument '$1' (see --help)" ;;
  esac
  shift
done
[[ "$RUNS" =~ ^[1-9][0-9]*$ ]] || die "--runs needs a positive number"

DATA=${ONET_DATA_DIR:-$ROOT/../shared/onet/db_29_2_text}
[[ -f "$DATA/Skills.txt" ]] || die "no O*NET release in '$DATA' (set ONET_DATA_DIR)"
DATA=$(realpath "$DATA")
BUILD_DIR=${BUILD_DIR:-build}
DAGRUN=$(realpath -m "$BUILD_DIR/engine/cli/dagrun")
[[ -x "$DAGRUN" ]] || die "no $DAGRUN; build first (scripts/build.sh) or set BUILD_DIR"
[[ -x /usr/bin/time ]] || die "/usr/bin/time missing: scripts/deps.sh --test installs it (package time)"
command -v sqlite3 >/dev/null || die "sqlite3 missing: scripts/deps.sh"
if (( MARIADB )); then
  command -v mariadb >/dev/null && command -v mariadbd >/dev/null \
    || die "MariaDB missing: scripts/deps.sh --test (or --no-mariadb)"
fi

WORK=$(realpath -m "${BENCH_DIR:-$BUILD_DIR/bench-etl}")
rm -rf "$WORK"
mkdir -p "$WORK"
for f in sqlite_import sqlite_import_raw mariadb_load_data; do
  sed "s|@DIR@|$DATA|g" "bench/etl/$f.sql.in" >"$WORK/$f.sql"
done
# The five core files alone (the load before the descriptive tables): full.yaml skips the
# optional tables it does not find.
CORE="$WORK/core5"
mkdir -p "$CORE"
for f in "Occupation Data" "Content Model Reference" "Scales Reference" Skills Knowledge; do
  ln -s "$DATA/$f.txt" "$CORE/$f.txt"
done

# timed NAME CMD... -> "seconds peak_rss_kb"; output of CMD in $WORK/NAME.log
timed() {
  local name=$1
  shift
  local t0 t1
  t0=$(date +%s%N)
  if ! /usr/bin/time -f "%M" -o "$WORK/$name.rss" "$@" >"$WORK/$name.log" 2>&1; then
    tail -n 20 "$WORK/$name.log" >&2
    die "$name failed (log: $WORK/$name.log)"
  fi
  t1=$(date +%s%N)
  echo "$(( (t1 - t0) / 1000000 ))e-3 $(tail -n 1 "$WORK/$name.rss")" | awk '{printf "%.3f %d\n", $1, $2}'
}

median() { sort -n | awk '{a[NR] = $1} END {print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", a / b}'; }
within() { awk -v r="$1" -v t="$2" 'BEGIN {exit !(r <= t)}'; }

RATINGS_SQL="SELECT onetsoc_code, element_id, scale_id, data_value, n, standard_error, lower_ci_bound,
  upper_ci_bound, recommend_suppress, not_relevant, date_updated, domain_source, llm_value,
  refined_value, value_source FROM occupation_ratings ORDER BY onetsoc_code, element_id, scale_id"
DUMP_SQL=(
  "SELECT onetsoc_code, title, description, source FROM occupations ORDER BY onetsoc_code"
  "SELECT element_id, element_name, description, domain FROM content_elements ORDER BY element_id"
  "SELECT scale_id, scale_name, minimum, maximum FROM scales ORDER BY scale_id"
  "$RATINGS_SQL"
  "SELECT task_id, onetsoc_code, task, task_type, incumbents_responding, date_updated, domain_source
     FROM task_statements ORDER BY task_id"
  "SELECT onetsoc_code, alternate_title, short_title, sources FROM alternate_titles
     ORDER BY onetsoc_code, alternate_title, short_title"
  "SELECT onetsoc_code, reported_title, shown_in_my_next_move FROM reported_titles ORDER BY onetsoc_code, reported_title"
  "SELECT * FROM job_zone_reference ORDER BY job_zone"
  "SELECT * FROM job_zones ORDER BY onetsoc_code"
  "SELECT * FROM level_scale_anchors ORDER BY element_id, scale_id, anchor_value"
  "SELECT * FROM technology_commodities ORDER BY commodity_code"
  "SELECT * FROM technology_skills ORDER BY onetsoc_code, commodity_code, example"
  "SELECT * FROM ete_categories ORDER BY element_id, scale_id, category"
  "SELECT * FROM ete_ratings ORDER BY onetsoc_code, element_id, scale_id, category"
)

pipeline() {  # pipeline NAME DATABASE_URL [RELEASE_DIR]
  timed "$1" env ONET_SOURCE="${3:-$DATA}" DATABASE_URL="$2" ON_ERROR=fail "$DAGRUN" run pipelines/full.yaml \
    --set "nodes.validate.params.rejects_path=$WORK/rejects.tsv" --set nodes.source.params.release=29.2
}

declare -A RESULT
FAILED=0

# ---------------------------------------------------------------- SQLite
sqlite_fresh() {  # an empty database with the schema, as the pipeline would create it
  rm -f "$1" "$1-wal" "$1-shm"
  sqlite3 "$1" "PRAGMA journal_mode = WAL;" ".read $ROOT/schema/sqlite.sql" >/dev/null
}
sqlite_dump() {
  local q
  for q in "${DUMP_SQL[@]}"; do sqlite3 -separator $'\t' "$1" "$q;"; done | sha256sum | cut -c1-16
}

echo "bench/etl: O*NET release $DATA, $RUNS run(s) each, scratch $WORK" >&2
pipe_s=() raw_s=() strict_s=() rss_s=() core_s=()
for i in $(seq 1 "$RUNS"); do
  sqlite_fresh "$WORK/core.db"
  read -r s _ < <(pipeline "sqlite_core_$i" "sqlite:$WORK/core.db" "$CORE")
  core_s+=("$s")
  sqlite_fresh "$WORK/pipe.db"
  read -r s rss < <(pipeline "sqlite_pipeline_$i" "sqlite:$WORK/pipe.db")
  pipe_s+=("$s"); rss_s+=("$rss")
  sqlite_fresh "$WORK/raw.db"
  read -r s _ < <(timed "sqlite_import_$i" sqlite3 "$WORK/raw.db" ".read $WORK/sqlite_import.sql")
  raw_s+=("$s")
  rm -f "$WORK/strict.db"*
  read -r s _ < <(timed "sqlite_import_raw_$i" sqlite3 "$WORK/strict.db" ".read $WORK/sqlite_import_raw.sql")
  strict_s+=("$s")
  echo "  sqlite run $i: pipeline ${pipe_s[-1]} s (core 5 files ${core_s[-1]} s), .import ${raw_s[-1]} s, raw .import ${strict_s[-1]} s" >&2
done
read -r reload_s _ < <(pipeline sqlite_reload "sqlite:$WORK/pipe.db")
RESULT[sqlite_pipe]=$(printf '%s\n' "${pipe_s[@]}" | median)
RESULT[sqlite_core]=$(printf '%s\n' "${core_s[@]}" | median)
RESULT[sqlite_raw]=$(printf '%s\n' "${raw_s[@]}" | median)
RESULT[sqlite_strict]=$(printf '%s\n' "${strict_s[@]}" | median)
RESULT[sqlite_rss]=$(printf '%s\n' "${rss_s[@]}" | sort -n | tail -n 1)
RESULT[sqlite_reload]=$reload_s
RESULT[sqlite_same]=$([[ "$(sqlite_dump "$WORK/pipe.db")" == "$(sqlite_dump "$WORK/raw.db")" ]] && echo yes || echo NO)

# ---------------------------------------------------------------- MariaDB
if (( MARIADB )); then
  SERVER_DIR="$WORK/mariadb"
  scripts/mariadb-test-server.sh start "$SERVER_DIR" >/dev/null
  trap 'scripts/mariadb-test-server.sh stop "$SERVER_DIR" >/dev/null 2>&1 || true' EXIT
  PORT=$(<"$SERVER_DIR/port")
  export MYSQL_PWD=onetpass  # the test server's fixed password; kept off the command line
  M=(mariadb --no-defaults --protocol=tcp -h127.0.0.1 -P"$PORT" -uonet)
  mariadb_fresh() {
    "${M[@]}" -e "DROP DATABASE IF EXISTS \`$1\`; CREATE DATABASE \`$1\` CHARACTER SET utf8mb4"
    "${M[@]}" "$1" <"$ROOT/schema/mysql.sql"
  }
  mariadb_dump() {
    local q
    for q in "${DUMP_SQL[@]}"; do "${M[@]}" -N -B "$1" -e "$q"; done | sha256sum | cut -c1-16
  }
  mpipe_s=() mraw_s=() mrss_s=() mcore_s=()
  for i in $(seq 1 "$RUNS"); do
    mariadb_fresh onet_bench_core
    read -r s _ < <(pipeline "mariadb_core_$i" "mysql://onet:onetpass@127.0.0.1:$PORT/onet_bench_core" "$CORE")
    mcore_s+=("$s")
    mariadb_fresh onet_bench_pipe
    read -r s rss < <(pipeline "mariadb_pipeline_$i" "mysql://onet:onetpass@127.0.0.1:$PORT/onet_bench_pipe")
    mpipe_s+=("$s"); mrss_s+=("$rss")
    mariadb_fresh onet_bench_raw
    read -r s _ < <(timed "mariadb_load_data_$i" "${M[@]}" --local-infile=1 onet_bench_raw \
                      -e "source $WORK/mariadb_load_data.sql")
    mraw_s+=("$s")
    echo "  mariadb run $i: pipeline ${mpipe_s[-1]} s (core 5 files ${mcore_s[-1]} s), LOAD DATA ${mraw_s[-1]} s" >&2
  done
  read -r mreload _ < <(pipeline mariadb_reload "mysql://onet:onetpass@127.0.0.1:$PORT/onet_bench_pipe")
  RESULT[mariadb_pipe]=$(printf '%s\n' "${mpipe_s[@]}" | median)
  RESULT[mariadb_core]=$(printf '%s\n' "${mcore_s[@]}" | median)
  RESULT[mariadb_raw]=$(printf '%s\n' "${mraw_s[@]}" | median)
  RESULT[mariadb_rss]=$(printf '%s\n' "${mrss_s[@]}" | sort -n | tail -n 1)
  RESULT[mariadb_reload]=$mreload
  RESULT[mariadb_same]=$([[ "$(mariadb_dump onet_bench_pipe)" == "$(mariadb_dump onet_bench_raw)" ]] && echo yes || echo NO)
fi

# ---------------------------------------------------------------- report
line() {  # engine pipeline baseline label rss target?
  local r
  r=$(ratio "$2" "$3")
  local verdict="info"
  if [[ "$6" == target ]]; then
    if within "$r" 1.5 && (( $5 < 200 * 1024 )); then verdict="ok"; else verdict="MISSED"; FAILED=1; fi
  fi
  printf "%-8s %8.3f s %8.3f s  %-40s %5sx %7d MB  %s\n" "$1" "$2" "$3" "$4" "$r" $(( $5 / 1024 )) "$verdict"
}
echo
echo "O*NET full load, 274,656 rows in 14 files; median of $RUNS run(s); targets: ratio <= 1.5x, peak RSS < 200 MB"
printf "%-8s %10s %10s  %-40s %6s %10s  %s\n" engine pipeline baseline "baseline is" ratio "peak RSS" verdict
line SQLite "${RESULT[sqlite_pipe]}" "${RESULT[sqlite_raw]}" "sqlite3 .import into the schema tables" "${RESULT[sqlite_rss]}" target
line SQLite "${RESULT[sqlite_pipe]}" "${RESULT[sqlite_strict]}" "sqlite3 .import, file-shaped tables" "${RESULT[sqlite_rss]}" info
if (( MARIADB )); then
  line MariaDB "${RESULT[mariadb_pipe]}" "${RESULT[mariadb_raw]}" "LOAD DATA LOCAL INFILE" "${RESULT[mariadb_rss]}" target
fi
echo
echo "the five core files alone (121,216 rows, the load before the descriptive tables): SQLite ${RESULT[sqlite_core]} s$(
  (( MARIADB )) && echo ", MariaDB ${RESULT[mariadb_core]} s"); all 14 files: $(ratio "${RESULT[sqlite_pipe]}" "${RESULT[sqlite_core]}")x$(
  (( MARIADB )) && echo ", $(ratio "${RESULT[mariadb_pipe]}" "${RESULT[mariadb_core]}")x")"
echo "reload into the populated database (replaces all rows): SQLite ${RESULT[sqlite_reload]} s$(
  (( MARIADB )) && echo ", MariaDB ${RESULT[mariadb_reload]} s")"
echo "same rows as the baseline: SQLite ${RESULT[sqlite_same]}$( (( MARIADB )) && echo ", MariaDB ${RESULT[mariadb_same]}")"
[[ "${RESULT[sqlite_same]}" == yes && ( $MARIADB == 0 || "${RESULT[mariadb_same]}" == yes ) ]] || FAILED=1
exit "$FAILED"
