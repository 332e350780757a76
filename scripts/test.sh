#!/usr/bin/env bash
# The test command of the README (and of .ci/run): installs what is missing, builds, lints
# (scripts/lint.sh: clang-format and clang-tidy, any finding fails), and runs every test through ctest; then the same suite again on an AddressSanitizer +
# UndefinedBehaviorSanitizer build (build-asan, clang, with the fuzz targets and their smoke runs). Servers the tests need (MariaDB, fake HTTP
# endpoints, Chromium, a private dockerd) are started and stopped by the tests themselves.
# Under CI=true every test must have run: a skipped one (no data, dockerd could not start, ...)
# fails the command.
#   SKILLGAP_SKIP_SANITIZE=1   only the normal build (a quicker local loop)
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh --test

BUILD_DIR=${BUILD_DIR:-build}
# CI builds treat warnings as errors (SKILLGAP_WERROR); a local run keeps the developer's choice.
WERROR=()
[[ "${CI:-}" == true ]] && WERROR=(-DSKILLGAP_WERROR=ON)
# Tests on, said every time: a build folder configured with them off (bench/fuzz/run.sh does so
# for its own) keeps the test lists of its last build with tests, and ctest would run those stale
# binaries without a word.
TESTS_ON=(-DSKILLGAP_BUILD_TESTS=ON)
SECONDS=0
BUILD_DIR=$BUILD_DIR scripts/build.sh "${TESTS_ON[@]}" "${WERROR[@]}"
echo "== lint (clang-format, clang-tidy: scripts/lint.sh)"
status=0
scripts/lint.sh "$BUILD_DIR" || status=1
echo "== tests (build: $BUILD_DIR, built and linted in ${SECONDS}s)"
JUNIT="$(realpath -m "$BUILD_DIR")/ctest-results.xml"
rm -f "$JUNIT"
ctest --test-dir "$BUILD_DIR" --output-on-failure --timeout 900 --output-junit "$JUNIT" || status=$?
if [[ "${CI:-}" == true ]]; then
  # In CI everything must run: the data folder, MariaDB, Chromium and dockerd are all there, so a
  # skip (a test's "SKIPPED:" line or exit 77, status="notrun" in ctest's JUnit file) means a
  # broken set-up, not a machine without the tool.
  if ! python3 - "$JUNIT" <<'PY'
import sys, xml.etree.ElementTree as ET
cases = list(ET.parse(sys.argv[1]).iter("testcase"))
skipped = [c.get("name") for c in cases if c.get("status") == "notrun"]
if not any(c.get("name") == "docker_stack" for c in cases):
    skipped.append("docker_stack (not registered)")
for name in skipped:
    print(f"== CI: skipped: {name}")
sys.exit(1 if skipped else 0)
PY
  then
    echo "== CI: tests that CI must run were skipped (their output above says why)"
    status=1
  fi
fi

if [[ "${SKILLGAP_SKIP_SANITIZE:-0}" != 1 ]]; then
  SECONDS=0
  # The sanitizer build is the project's clang build: a second compiler over the whole tree, and
  # with SKILLGAP_FUZZ=ON the libFuzzer targets too, each run for a few seconds as a test
  # (fuzz/smoke.sh, label fuzz-smoke). The first build is GCC's, so CI compiles with both (a
  # GCC-only flag once broke the clang fuzz build for five days unnoticed).
  # (The compiler is named on the command line, not through CXX: a build-asan/ configured earlier
  # with GCC is then reconfigured for clang instead of keeping its cached compiler.)
  BUILD_DIR=${ASAN_BUILD_DIR:-build-asan} scripts/build.sh -DCMAKE_CXX_COMPILER=clang++ -DSKILLGAP_SANITIZE=ON \
    -DSKILLGAP_FUZZ=ON "${TESTS_ON[@]}" "${WERROR[@]}"
  echo "== tests under ASan+UBSan (build: ${ASAN_BUILD_DIR:-build-asan}, built in ${SECONDS}s)"
  # Leaks are reported at exit of each test process and fail it; suppressions name only
  # third-party code (tests/sanitizers/lsan.supp).
  export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0:strict_string_checks=1:detect_stack_use_after_return=0}
  export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
  export LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$PWD/tests/sanitizers/lsan.supp:print_suppressions=0}
  # The docker test builds its image from the Dockerfile, not from this build tree: it ran above.
  ctest --test-dir "${ASAN_BUILD_DIR:-build-asan}" --output-on-failure --timeout 1800 -LE docker || status=$?
fi
exit $status
