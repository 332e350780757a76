#!/usr/bin/env bash
# The tests that talk HTTP on loopback (O*NET Web Services client and fallback, the fake servers),
# run again and again while other processes keep every core busy: the conditions under which a
# shutdown race or a task nobody waits for shows up as a LeakSanitizer report or a failed check.
# Not part of ctest (it takes minutes); run after a sanitizer build:
#   tests/sanitizers/under_load.sh [BUILD_DIR (build-asan)] [RUNS (50)] [SPINNERS (3)]
# Prints one line per failing run (its log kept) and a summary; exit 0 only when every run passed.
set -euo pipefail
cd "$(dirname "$0")/../.."
BUILD=${1:-build-asan}
RUNS=${2:-50}
SPINNERS=${3:-3}
# Test executable and Catch2 filter, one pair per line.
CASES=(
  "$BUILD/tests/nodes_gap/test_gap_store|[onet_ws]"
  "$BUILD/tests/api/test_api|[fallback]"
)
for c in "${CASES[@]}"; do
  exe=${c%%|*}
  [[ -x $exe ]] || { echo "under_load: $exe is not built (scripts/build.sh -DSKILLGAP_SANITIZE=ON into $BUILD)"; exit 2; }
done
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0:strict_string_checks=1:detect_stack_use_after_return=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
export LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$PWD/tests/sanitizers/lsan.supp:print_suppressions=0}

logs=$(mktemp -d "${TMPDIR:-/tmp}/under-load.XXXXXX")
spinners=()
stop_spinners() { for p in "${spinners[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap stop_spinners EXIT
for ((i = 0; i < SPINNERS; i++)); do
  bash -c 'while :; do :; done' &
  spinners+=($!)
done

failed=0
start=$SECONDS
for ((run = 1; run <= RUNS; run++)); do
  for c in "${CASES[@]}"; do
    exe=${c%%|*}
    filter=${c#*|}
    log="$logs/run$run-$(basename "$exe").log"
    if ! "$exe" "$filter" >"$log" 2>&1; then
      failed=$((failed + 1))
      why=$(grep -m1 -E "LeakSanitizer|ERROR: AddressSanitizer|runtime error|FAILED|unexpected exception" "$log" || echo "exit $?")
      echo "under_load: run $run $(basename "$exe") '$filter' failed: $why (log: $log)"
    else
      rm -f "$log"
    fi
  done
done
echo "under_load: $RUNS runs x ${#CASES[@]} test sets with $SPINNERS busy processes on $(nproc) cores: $failed failure(s), $((SECONDS - start)) s"
(( failed == 0 )) && rmdir "$logs" 2>/dev/null || true
exit $(( failed > 0 ))
