#!/usr/bin/env bash
# The test command of the README (and of .ci/run): installs what is missing, builds, and runs
# every test through ctest. Servers the tests need (MariaDB, fake HTTP endpoints) are started
# and stopped by the tests themselves.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh --test
scripts/build.sh
ctest --test-dir "${BUILD_DIR:-build}" --output-on-failure --timeout 900
