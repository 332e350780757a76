#!/bin/bash
# The official mysql image's entrypoint contract, for MariaDB: arguments starting with '-' are
# server options; on an empty datadir a database is created from MYSQL_* while the server only
# listens on its socket (so a TCP healthcheck stays unhealthy until the real start), then the
# server runs as PID 1 (docker stop / restart shut it down cleanly).
set -euo pipefail

if [[ $# -eq 0 || "$1" == -* ]]; then set -- mariadbd "$@"; fi
if [[ "$1" != mariadbd && "$1" != mysqld ]]; then exec "$@"; fi
shift
opts=()
for a in "$@"; do
  case "$a" in
    # MySQL 8 only; MariaDB's default plugin is mysql_native_password already.
    --default-authentication-plugin=*) ;;
    *) opts+=("$a") ;;
  esac
done

log() { echo "standin-entrypoint: $*" >&2; }
DATADIR=/var/lib/mysql

if [[ ! -d "$DATADIR/mysql" ]]; then
  : "${MYSQL_ROOT_PASSWORD:?standin-entrypoint: MYSQL_ROOT_PASSWORD is not set}"
  log "initializing $DATADIR"
  mariadb-install-db --user=mysql --datadir="$DATADIR" --auth-root-authentication-method=normal \
    --skip-test-db >/dev/null
  mariadbd --user=mysql --datadir="$DATADIR" --skip-networking --socket=/run/mysqld/init.sock "${opts[@]}" &
  pid=$!
  for _ in $(seq 1 300); do
    mariadb-admin --socket=/run/mysqld/init.sock -uroot ping >/dev/null 2>&1 && break
    kill -0 "$pid" 2>/dev/null || { log "the server exited during initialization"; exit 1; }
    sleep 0.1
  done
  sqlq() { local s=${1//\\/\\\\}; printf "'%s'" "${s//\'/\\\'}"; }  # an SQL string literal
  {
    echo "ALTER USER 'root'@'localhost' IDENTIFIED BY $(sqlq "$MYSQL_ROOT_PASSWORD");"
    echo "CREATE USER IF NOT EXISTS 'root'@'%' IDENTIFIED BY $(sqlq "$MYSQL_ROOT_PASSWORD");"
    echo "GRANT ALL ON *.* TO 'root'@'%' WITH GRANT OPTION;"
    if [[ -n "${MYSQL_DATABASE:-}" ]]; then
      echo "CREATE DATABASE IF NOT EXISTS \`${MYSQL_DATABASE//\`/}\` CHARACTER SET utf8mb4;"
    fi
    if [[ -n "${MYSQL_USER:-}" && -n "${MYSQL_PASSWORD:-}" ]]; then
      echo "CREATE USER IF NOT EXISTS $(sqlq "$MYSQL_USER")@'%' IDENTIFIED BY $(sqlq "$MYSQL_PASSWORD");"
      [[ -n "${MYSQL_DATABASE:-}" ]] && echo "GRANT ALL ON \`${MYSQL_DATABASE//\`/}\`.* TO $(sqlq "$MYSQL_USER")@'%';"
    fi
    echo "FLUSH PRIVILEGES;"
  } | mariadb --socket=/run/mysqld/init.sock -uroot
  mariadb-admin --socket=/run/mysqld/init.sock -uroot -p"$MYSQL_ROOT_PASSWORD" shutdown
  wait "$pid" || true
  log "initialized: database '${MYSQL_DATABASE:-}', user '${MYSQL_USER:-}'"
fi

exec mariadbd --user=mysql --datadir="$DATADIR" "${opts[@]}"
