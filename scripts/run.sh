#!/usr/bin/env bash
# The main job of the README: installs what is missing, builds, loads O*NET into the embedded
# SQLite database (data/onet.db) and serves the API on 127.0.0.1:8080 until interrupted.
#   ONET_SOURCE   release folder, zip or URL (default: ../shared/onet/db_29_2_text when it
#                 exists, else the official O*NET 29.2 zip, downloaded once into data/cache)
#   DATABASE_URL  sqlite:PATH or mysql://user:pass@host:port/db (default sqlite:data/onet.db)
#   LISTEN        host:port for the API (default 127.0.0.1:8080)
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh
scripts/build.sh
if [[ -z "${ONET_SOURCE:-}" && -f ../shared/onet/db_29_2_text/Skills.txt ]]; then
  export ONET_SOURCE="$(cd ../shared/onet/db_29_2_text && pwd)"
fi
mkdir -p data
BUILD_DIR=${BUILD_DIR:-build}
"$BUILD_DIR"/engine/cli/dagrun run pipelines/full.yaml
exec "$BUILD_DIR"/api/skillgap-api --listen "${LISTEN:-127.0.0.1:8080}"
