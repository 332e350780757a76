#!/usr/bin/env bash
# Installs the Debian 12 packages this project needs, and only those that are missing.
# Idempotent and non-interactive: safe to run on every build. Used by both README commands.
#   scripts/deps.sh            build + runtime dependencies
#   scripts/deps.sh --test     plus the servers and tools the test suite starts (MariaDB, ...)
set -euo pipefail

BUILD_PKGS=(
  build-essential cmake ninja-build pkg-config git ca-certificates
  libtbb-dev libyaml-cpp-dev libsoci-dev libmariadb-dev libsqlite3-dev sqlite3
  libcpprest-dev libssl-dev nlohmann-json3-dev catch2 libcli11-dev libspdlog-dev libfmt-dev
  libzip-dev zipcmp zipmerge ziptool zlib1g-dev libcurl4-openssl-dev ccache
  libstemmer-dev   # Snowball stemmer for the text index (nodes/estimate)
  libeigen3-dev    # dense linear algebra of the kernel-ridge estimator (nodes/estimate)
)
TEST_PKGS=(
  mariadb-server mariadb-client python3 curl unzip zip time
  wrk nginx-light   # bench/api: load generator and the static-file ceiling
  chromium nodejs npm docker-compose   # tests/web (headless browser, playwright-core), tests/compose
  docker.io mmdebstrap   # tests/compose docker test: a private dockerd (20.10) and the debian:12 base it imports (no Docker Hub)
  clang libclang-rt-14-dev   # bench/fuzz: libFuzzer (fuzz/, SKILLGAP_FUZZ=ON)
  clang-format clang-tidy   # scripts/lint.sh (.clang-format, .clang-tidy), part of the test command
)
# A node + npm not from Debian (e.g. NodeSource's nodejs, which bundles npm) will do: apt's npm would conflict.
if command -v node >/dev/null && command -v npm >/dev/null; then
  kept=(); for p in "${TEST_PKGS[@]}"; do [[ $p == nodejs || $p == npm ]] || kept+=("$p"); done
  TEST_PKGS=("${kept[@]}")
fi

want=("${BUILD_PKGS[@]}")
if [[ "${1:-}" == "--test" ]]; then want+=("${TEST_PKGS[@]}"); fi

missing=()
for p in "${want[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if (( ${#missing[@]} == 0 )); then
  echo "deps: all ${#want[@]} packages present"
  exit 0
fi

echo "deps: installing ${missing[*]}"
SUDO=""
if [[ $(id -u) -ne 0 ]]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "deps: done"
