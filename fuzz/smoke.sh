#!/usr/bin/env bash
# One fuzz target for a few seconds, as a ctest test of the sanitizer build (label fuzz-smoke;
# fuzz/CMakeLists.txt registers one per target). It starts from the target's seeds and every
# regression (and, for the pipeline target, the engine's validation cases), in a scratch copy:
# nothing in the repository is written. A crash, leak, UB report or timeout fails the test and
# keeps the scratch folder (artifacts/ holds the input; add it to fuzz/regressions/<target>/).
#   fuzz/smoke.sh <fuzzer executable> <target> [seconds]   (default $FUZZ_SMOKE_SECONDS or 15)
# bench/fuzz/run.sh is the long run with figures; this is the guard that every target still
# builds with clang and survives its corpus.
set -euo pipefail
exe=$1 target=$2 secs=${3:-${FUZZ_SMOKE_SECONDS:-15}}
cd "$(dirname "$0")/.."
source fuzz/corpus.sh
work=$(mktemp -d "${TMPDIR:-/tmp}/fuzz-smoke-$target.XXXXXX")
mkdir -p "$work/artifacts"
fuzz_seed_corpus "$target" "$work/corpus"
[[ -d "fuzz/regressions/$target" ]] && cp -r "fuzz/regressions/$target/." "$work/corpus/"
fuzz_dict_args "$target"
echo "fuzz smoke: $target for ${secs}s from $(find "$work/corpus" -type f | wc -l) inputs in $work"
set +e
"$exe" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
  -artifact_prefix="$work/artifacts/" "${FUZZ_DICT[@]}" "$work/corpus" >"$work/fuzz.log" 2>&1
rc=$?
set -e
grep -E '^stat::(number_of_executed_units|average_exec_per_sec)|^#[0-9]+ +DONE' "$work/fuzz.log" || true
if [[ $rc != 0 || -n "$(find "$work/artifacts" -type f)" ]]; then
  echo "fuzz smoke: $target FAILED (exit $rc); log and inputs kept in $work"
  grep -m5 -E 'ERROR: |runtime error|deadly signal|Test unit written' "$work/fuzz.log" || tail -20 "$work/fuzz.log"
  exit 1
fi
rm -rf "$work"
