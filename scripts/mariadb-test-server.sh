#!/usr/bin/env bash
# A private MariaDB server for tests and benchmarks: loopback only, its own datadir, no systemd.
#
#   mariadb-test-server.sh start DIR [PORT|auto] [--fresh] [--url-file FILE] [--owner-pid PID]
#       Starts mariadbd with its datadir under DIR and prints the database URL
#       (mysql://onet:onetpass@127.0.0.1:PORT/onet). A new DIR gets a fresh datadir with the
#       database `onet` and the user onet/onetpass (all privileges on onet and onet_*, so tests
#       can create scratch databases); an existing DIR is started again on its datadir, on the
#       port it used before (crash-recovery tests). --fresh first stops any server running from
#       DIR and wipes it. PORT "auto" (the default) picks a free port. With --owner-pid, a
#       watcher stops the server and removes DIR once process PID is gone (a test that
#       crashes cannot leak its server).
#   mariadb-test-server.sh stop DIR [--url-file FILE]
#       Shuts the server down (TERM, then KILL after 30 s) and removes DIR (and FILE).
#   mariadb-test-server.sh kill DIR
#       SIGKILLs the server and keeps DIR: simulates a crash mid-load.
#   mariadb-test-server.sh url DIR
#       Prints the URL of the server in DIR.
#
# Needs mariadb-server and mariadb-client (scripts/deps.sh --test). As root, runs the server as
# root; otherwise as the calling user.
set -euo pipefail

MARKER=.mariadb-test-server
DB_NAME=onet
DB_USER=onet
DB_PASS=onetpass

die() { echo "mariadb-test-server: $*" >&2; exit 1; }

usage() {
  sed -n '2,24p' "$0" | sed 's/^# \{0,1\}//' >&2
  exit 2
}

need() {
  command -v "$1" >/dev/null 2>&1 || die "'$1' not found; install the test dependencies: scripts/deps.sh --test"
}

abs_dir() { realpath -m -- "$1"; }

server_pid() {  # prints the pid when the server of $DIR is alive
  local pid
  [[ -f "$DIR/mysqld.pid" ]] || return 1
  pid=$(<"$DIR/mysqld.pid")
  [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null || return 1
  echo "$pid"
}

socket_path() {
  if [[ -f "$DIR/socket-path" ]]; then cat "$DIR/socket-path"; return; fi
  local s="$DIR/mysqld.sock"
  # A Unix socket path must fit in 108 bytes; deep build dirs get a short one under /tmp.
  if (( ${#s} > 100 )); then s="$(mktemp -d /tmp/mariadb-test.XXXXXX)/mysqld.sock"; fi
  echo "$s" >"$DIR/socket-path"
  echo "$s"
}

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

pick_port() {
  local p tries
  for tries in $(seq 1 50); do
    p=$(( 20000 + (RANDOM * 32768 + RANDOM) % 40000 ))
    if ! port_in_use "$p"; then echo "$p"; return; fi
  done
  die "no free TCP port found on 127.0.0.1"
}

admin_user() { id -un; }

url_of() { echo "mysql://$DB_USER:$DB_PASS@127.0.0.1:$(<"$DIR/port")/$DB_NAME"; }

write_url_file() {
  [[ -n "$URL_FILE" ]] || return 0
  mkdir -p "$(dirname "$URL_FILE")"
  url_of >"$URL_FILE.tmp"
  mv "$URL_FILE.tmp" "$URL_FILE"
}

# Starts mariadbd on $DIR/data and waits until it answers; returns 1 when it exited early
# (e.g. port taken), with its log in $DIR/mariadbd.log.
launch() {
  local port=$1 sock pid i
  sock=$(socket_path)
  local user_opt=()
  [[ $(id -u) -eq 0 ]] && user_opt=(--user=root)
  : >"$DIR/mariadbd.log"
  rm -f "$DIR/mysqld.pid"
  # setsid + closed stdio: the server outlives this script and holds no pipe of its caller
  # (ctest waits for every process that keeps its output pipe open).
  mkdir -p "$DIR/tmp"
  setsid mariadbd --no-defaults "${user_opt[@]}" --datadir="$DIR/data" --tmpdir="$DIR/tmp" \
    --socket="$sock" \
    --port="$port" --bind-address=127.0.0.1 --skip-name-resolve --skip-log-bin \
    --pid-file="$DIR/mysqld.pid" --log-error="$DIR/mariadbd.log" --local-infile=1 \
    --innodb-buffer-pool-dump-at-shutdown=0 --innodb-buffer-pool-load-at-startup=0 \
    </dev/null >>"$DIR/mariadbd.log" 2>&1 &
  pid=$!
  for i in $(seq 1 300); do
    if mariadb-admin --no-defaults --socket="$sock" -u"$(admin_user)" --connect-timeout=2 ping \
         >/dev/null 2>&1; then
      echo "$port" >"$DIR/port"
      return 0
    fi
    if ! kill -0 "$pid" 2>/dev/null && ! server_pid >/dev/null; then return 1; fi
    sleep 0.1
  done
  kill -9 "$pid" 2>/dev/null || true
  die "mariadbd did not answer within 30 s; log: $DIR/mariadbd.log"
}

stop_server() {
  local pid i
  pid=$(server_pid) || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for i in $(seq 1 300); do
    kill -0 "$pid" 2>/dev/null || return 0
    sleep 0.1
  done
  kill -9 "$pid" 2>/dev/null || true
  sleep 0.2
}

remove_dir() {
  [[ -d "$DIR" ]] || return 0
  [[ -f "$DIR/$MARKER" ]] || die "refusing to remove '$DIR': not made by this script (no $MARKER)"
  if [[ -f "$DIR/socket-path" ]]; then
    local sdir
    sdir=$(dirname "$(<"$DIR/socket-path")")
    [[ "$sdir" == /tmp/mariadb-test.* ]] && rm -rf -- "$sdir"
  fi
  rm -rf -- "$DIR"
}

cmd_start() {
  local port=auto fresh=0 owner=""
  while (( $# )); do
    case "$1" in
      --fresh) fresh=1 ;;
      --owner-pid) owner=${2:?--owner-pid needs a pid}; shift ;;
      --url-file) URL_FILE=$(realpath -m -- "${2:?--url-file needs a path}"); shift ;;
      -*) die "unknown option '$1'" ;;
      *) port=$1 ;;
    esac
    shift
  done
  need mariadbd; need mariadb-install-db; need mariadb-admin; need mariadb
  if (( fresh )); then stop_server; remove_dir; fi
  if pid=$(server_pid); then die "a server from $DIR is already running (pid $pid)"; fi

  local new=0
  if [[ ! -d "$DIR/data" ]]; then
    if [[ -d "$DIR" && -n "$(ls -A "$DIR")" && ! -f "$DIR/$MARKER" ]]; then
      die "'$DIR' exists and was not made by this script; choose another directory"
    fi
    mkdir -p "$DIR/data" "$DIR/tmp"
    touch "$DIR/$MARKER"
    # A private tmpdir: bootstraps running at the same time otherwise collide on the names of
    # their temporary tables in /tmp ("Unknown table 'mysql.tmp_user_sys'").
    local opts=(--no-defaults --datadir="$DIR/data" --tmpdir="$DIR/tmp"
                --auth-root-authentication-method=socket --skip-test-db)
    if [[ $(id -u) -eq 0 ]]; then opts+=(--user=root); else opts+=(--auth-root-socket-user="$(admin_user)"); fi
    if ! mariadb-install-db "${opts[@]}" >"$DIR/install.log" 2>&1; then
      tail -n 20 "$DIR/install.log" >&2 || true
      die "mariadb-install-db failed; see $DIR/install.log"
    fi
    new=1
  elif [[ "$port" == auto && -f "$DIR/port" ]]; then
    port=$(<"$DIR/port")  # a restart keeps its port, so URLs handed out stay valid
  fi

  local attempt
  for attempt in 1 2 3 4 5; do
    local p=$port
    [[ "$port" == auto ]] && p=$(pick_port)
    if launch "$p"; then break; fi
    if [[ "$port" != auto ]] || (( attempt == 5 )); then
      tail -n 20 "$DIR/mariadbd.log" >&2 || true
      die "mariadbd failed to start on port $p; log: $DIR/mariadbd.log"
    fi
  done

  if (( new )); then
    mariadb --no-defaults --socket="$(socket_path)" -u"$(admin_user)" <<SQL
CREATE DATABASE IF NOT EXISTS \`$DB_NAME\` CHARACTER SET utf8mb4;
CREATE USER IF NOT EXISTS '$DB_USER'@'127.0.0.1' IDENTIFIED BY '$DB_PASS';
CREATE USER IF NOT EXISTS '$DB_USER'@'localhost' IDENTIFIED BY '$DB_PASS';
GRANT ALL PRIVILEGES ON \`${DB_NAME}%\`.* TO '$DB_USER'@'127.0.0.1';
GRANT ALL PRIVILEGES ON \`${DB_NAME}%\`.* TO '$DB_USER'@'localhost';
FLUSH PRIVILEGES;
SQL
  fi
  write_url_file
  if [[ -n "$owner" ]]; then
    # Detached, with closed stdio, like the server itself.
    setsid bash -c 'while kill -0 "$1" 2>/dev/null; do sleep 1; done; [[ -d "$3" ]] && "$2" stop "$3"' \
      watcher "$owner" "$(realpath "$0")" "$DIR" </dev/null >/dev/null 2>&1 &
  fi
  url_of
}

cmd_stop() {
  while (( $# )); do
    case "$1" in
      --url-file) URL_FILE=$(realpath -m -- "${2:?--url-file needs a path}"); shift ;;
      *) die "unknown argument '$1'" ;;
    esac
    shift
  done
  stop_server
  remove_dir
  [[ -n "$URL_FILE" ]] && rm -f -- "$URL_FILE"
  return 0
}

cmd_kill() {
  local pid
  pid=$(server_pid) || die "no server running from $DIR"
  kill -9 "$pid"
  while kill -0 "$pid" 2>/dev/null; do sleep 0.05; done
}

(( $# >= 2 )) || usage
CMD=$1
DIR=$(abs_dir "$2")
shift 2
URL_FILE=""
case "$CMD" in
  start) cmd_start "$@" ;;
  stop) cmd_stop "$@" ;;
  kill) cmd_kill ;;
  url) [[ -f "$DIR/port" ]] || die "no server was started in $DIR"; url_of ;;
  *) usage ;;
esac
