#!/usr/bin/env bash
# Runs every libFuzzer target of fuzz/ for a bounded time and prints executions, speed,
# coverage and crashes per target (bench/fuzz/README.md).
#
#   bench/fuzz/run.sh [SECONDS] [TARGET...]     SECONDS per target (default 300);
#                                               TARGET: onet_table pipeline query llm_answer
#
# Installs nothing: needs clang and libclang-rt-14-dev (scripts/deps.sh --test installs them)
# besides the normal build dependencies. Configures build-fuzz/ with clang and
# -DSKILLGAP_FUZZ=ON (libFuzzer + ASan + UBSan over the whole build), builds the targets, and
# runs each on a scratch copy of its seed corpus fuzz/corpus/<target>/ (the committed corpus is
# never modified). Crash inputs land in build-fuzz/fuzz-run/<target>/artifacts/; a crash stops
# that target (libFuzzer's default) and is reported in the table. Turn each crash into
# fuzz/regressions/<target>/<name> plus a fix; tests/fuzz replays those in the normal build.
#
# Environment: JOBS (ninja -j, default 2), BUILD_DIR (default build-fuzz; configured with the
# tests off, so not a folder the test command uses), FUZZ_ARGS (extra libFuzzer flags, e.g.
# "-max_len=8192").
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$(pwd)
source fuzz/corpus.sh

SECONDS_PER_TARGET=${1:-300}
shift || true
TARGETS=("$@")
[[ ${#TARGETS[@]} -gt 0 ]] || TARGETS=(onet_table pipeline query llm_answer)
BUILD=${BUILD_DIR:-build-fuzz}
JOBS=${JOBS:-2}

for tool in clang clang++ cmake ninja; do
  command -v "$tool" >/dev/null || { echo "bench/fuzz: '$tool' not found; run scripts/deps.sh --test" >&2; exit 2; }
done
if ! ls /usr/lib/llvm-*/lib/clang/*/lib/linux/libclang_rt.fuzzer-x86_64.a >/dev/null 2>&1; then
  echo "bench/fuzz: libFuzzer runtime missing (Debian: libclang-rt-14-dev; scripts/deps.sh --test)" >&2
  exit 2
fi

echo "== configure $BUILD (clang, SKILLGAP_FUZZ=ON)"
mkdir -p "$BUILD"
CC=clang CXX=clang++ cmake -S . -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DSKILLGAP_FUZZ=ON -DSKILLGAP_BUILD_TESTS=OFF >"$BUILD/configure.log" 2>&1 ||
  { cat "$BUILD/configure.log"; exit 1; }
echo "== build ${TARGETS[*]/#/fuzz_}"
ninja -C "$BUILD" -j "$JOBS" "${TARGETS[@]/#/fuzz_}"

RUN="$BUILD/fuzz-run"
mkdir -p "$RUN"
declare -A EXECS SPEED COV FT CORPUS CRASHES SECS
for t in "${TARGETS[@]}"; do
  dir="$RUN/$t"
  rm -rf "$dir"
  mkdir -p "$dir/artifacts"
  fuzz_seed_corpus "$t" "$dir/corpus"
  fuzz_dict_args "$t"
  echo "== fuzz_$t for ${SECONDS_PER_TARGET}s ($(ls "$dir/corpus" | wc -l) seeds)"
  start=$(date +%s)
  # Runs from the repository root (the query target reads pipelines/skill_gap.yaml by absolute
  # path; nothing is written outside $dir).
  set +e
  UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 ASAN_OPTIONS=detect_leaks=1 \
    "$BUILD/fuzz/fuzz_$t" -max_total_time="$SECONDS_PER_TARGET" -print_final_stats=1 -timeout=10 \
    -rss_limit_mb=2048 -artifact_prefix="$dir/artifacts/" "${FUZZ_DICT[@]}" ${FUZZ_ARGS:-} "$dir/corpus" \
    >"$dir/fuzz.log" 2>&1
  rc=$?
  set -e
  SECS[$t]=$(($(date +%s) - start))
  log="$dir/fuzz.log"
  EXECS[$t]=$(grep -oP 'stat::number_of_executed_units:\s*\K\d+' "$log" | tail -1 || true)
  SPEED[$t]=$(grep -oP 'stat::average_exec_per_sec:\s*\K\d+' "$log" | tail -1 || true)
  last=$(grep -E '^#[0-9]+.*cov: ' "$log" | tail -1 || true)
  COV[$t]=$(grep -oP 'cov: \K\d+' <<<"$last" || true)
  FT[$t]=$(grep -oP 'ft: \K\d+' <<<"$last" || true)
  CORPUS[$t]=$(grep -oP 'corp: \K[0-9]+/[0-9]+[bKM]b' <<<"$last" || true)
  CRASHES[$t]=$(find "$dir/artifacts" -type f | wc -l)
  if [[ $rc != 0 || ${CRASHES[$t]} != 0 ]]; then
    echo "   finding (exit $rc): $(grep -m1 -E 'ERROR: |runtime error|deadly signal|Test unit written' "$log" || true)"
    find "$dir/artifacts" -type f -printf '   artifact: %p\n'
  fi
  tail -n 12 "$log" | grep -E '^stat::|DONE' | sed 's/^/   /' || true
done

echo
echo "== summary ($(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), ${SECONDS_PER_TARGET}s per target)"
printf '%-12s %6s %12s %8s %7s %8s %12s %8s\n' target secs executions exec/s cov ft corpus crashes
for t in "${TARGETS[@]}"; do
  printf '%-12s %6s %12s %8s %7s %8s %12s %8s\n' "$t" "${SECS[$t]}" "${EXECS[$t]:-?}" "${SPEED[$t]:-?}" \
    "${COV[$t]:-?}" "${FT[$t]:-?}" "${CORPUS[$t]:-?}" "${CRASHES[$t]}"
done
total=0
for t in "${TARGETS[@]}"; do total=$((total + CRASHES[$t])); done
exit $((total > 0 ? 1 : 0))
