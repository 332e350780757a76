#!/usr/bin/env bash
# LLM enrichment benchmark (not part of ctest): all occupations of the real O*NET 29.2 release
# through llm_enrich against the fake LLM server (tests/nodes_llm/fake_llm_server) answering
# after 100 ms, concurrency 16, cache in SQLite. Prints, per run (see bench_llm.cpp):
#   1. bench/llm/enrich.yaml on an empty cache: wall time, ideal = calls x 0.1 s / 16, ratio
#      (target <= 1.15x)
#   2. the same again: calls (target 0) and wall time (target < 2 s)
#   3. pipelines/full.yaml with the SQLite load on the warm cache (information)
#   4. pipelines/full.yaml on an empty cache (information: the 121k-row load comes on top)
# Exit status 1 when a target is missed.
#
#   bench/llm/run.sh [--runs N] [bench_llm options: --latency-ms 100 --concurrency 16
#                     --format openai|gemini --no-full --log info]
#   ONET_DATA_DIR  release folder (default ../shared/onet/db_29_2_text)
#   BUILD_DIR      build tree (default build); bench_llm is built there with ninja -j2
set -euo pipefail
cd "$(dirname "$0")/../.."
BUILD_DIR=${BUILD_DIR:-build}
RUNS=1
args=()
while (( $# )); do
  case "$1" in
    --runs) RUNS=${2:?--runs needs a number}; shift ;;
    -h|--help) sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) args+=("$1") ;;
  esac
  shift
done
export ONET_DATA_DIR=${ONET_DATA_DIR:-$(pwd)/../shared/onet/db_29_2_text}
[[ -f "$ONET_DATA_DIR/Skills.txt" ]] || { echo "bench/llm: no O*NET release in '$ONET_DATA_DIR' (set ONET_DATA_DIR)" >&2; exit 2; }
ninja -C "$BUILD_DIR" -j2 bench_llm >/dev/null
status=0
for ((i = 1; i <= RUNS; i++)); do
  (( RUNS > 1 )) && echo "--- run $i/$RUNS"
  "$BUILD_DIR"/tests/nodes_llm/bench_llm --work "$BUILD_DIR/bench-llm" "${args[@]}" || status=1
done
exit $status
