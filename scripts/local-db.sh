#!/usr/bin/env bash
# A private MariaDB server for this checkout: its own data directory, socket and
# loopback port, never systemd, port 3306 or /var/lib/mysql.
#   local-db.sh start   start it (or reuse the running one); last line: DATABASE_URL=...
#   local-db.sh stop    stop it by its verified PID
#   local-db.sh url     print DATABASE_URL=... for the running server
set -euo pipefail

ROOT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
STATE_DIR="${LOCAL_DB_DIR:-$ROOT_DIR/.local/mariadb}"
DATA_DIR="$STATE_DIR/data"
PID_FILE="$STATE_DIR/mariadbd.pid"
LOG_FILE="$STATE_DIR/mariadbd.log"
PORT_FILE="$STATE_DIR/port"
PASSWORD_FILE="$STATE_DIR/password"
LOCK_FILE="$STATE_DIR/lock"
DB_USER="auth"
DB_NAME="auth"
# Unix socket paths must stay under about 100 characters, so the socket lives in
# /tmp under a name derived from the state directory.
STATE_KEY="$(printf '%s' "$STATE_DIR" | sha256sum | cut -c1-12)"
SOCKET="/tmp/nest-auth-db-$STATE_KEY.sock"

log() { echo "local-db: $*" >&2; }
die() { log "$*"; exit 1; }

find_server_binary() {
  local candidate
  for candidate in mariadbd /usr/sbin/mariadbd /usr/sbin/mysqld; do
    if command -v "$candidate" >/dev/null 2>&1; then command -v "$candidate"; return 0; fi
  done
  return 1
}

install_server_packages() {
  command -v apt-get >/dev/null 2>&1 || die "no MariaDB server binary found and apt-get is not available: install MariaDB 10.11+ or MySQL 8, or set DATABASE_URL"
  local sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null 2>&1 || die "installing MariaDB needs root: run as root, install mariadb-server-core and mariadb-client-core, or set DATABASE_URL"
    sudo="sudo"
  fi
  log "installing Debian's mariadb-server-core and mariadb-client-core"
  # The core packages only: the full mariadb-server package starts a system service.
  $sudo apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends \
    mariadb-server-core mariadb-client-core >&2
}

client() {
  mariadb --no-defaults --protocol=socket --socket="$SOCKET" -uroot --batch --skip-column-names "$@"
}

# The PID is ours only if that process is a MariaDB server on our data directory;
# anything else is a stale PID file left by a reboot or a crash.
running_pid() {
  [ -f "$PID_FILE" ] || return 1
  local pid
  pid="$(cat "$PID_FILE" 2>/dev/null || true)"
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  [ -r "/proc/$pid/cmdline" ] || return 1
  local cmdline
  cmdline="$(tr '\0' ' ' <"/proc/$pid/cmdline")"
  case "$cmdline" in
    *mariadbd*"--datadir=$DATA_DIR "*|*mysqld*"--datadir=$DATA_DIR "*) echo "$pid"; return 0 ;;
  esac
  return 1
}

port_in_use() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

choose_port() {
  if [ -f "$PORT_FILE" ]; then cat "$PORT_FILE"; return 0; fi
  local port=$((40000 + 16#${STATE_KEY:0:4} % 20000)) tries=0
  while port_in_use "$port"; do
    port=$((port + 1)); tries=$((tries + 1))
    [ "$tries" -lt 200 ] || die "no free loopback port found near $port"
  done
  echo "$port" >"$PORT_FILE"
  echo "$port"
}

initialise_data_dir() {
  [ -d "$DATA_DIR/mysql" ] && return 0
  log "creating a data directory in $DATA_DIR"
  rm -rf "$DATA_DIR"
  mkdir -p "$DATA_DIR"
  mariadb-install-db --no-defaults --datadir="$DATA_DIR" --auth-root-authentication-method=normal \
    --skip-test-db --skip-name-resolve --user="$(id -un)" --innodb-log-file-size=16M >>"$LOG_FILE" 2>&1 \
    || die "mariadb-install-db failed, see $LOG_FILE"
}

wait_until_ready() {
  local pid="$1" deadline=$((SECONDS + 60))
  until client -e 'SELECT 1' >/dev/null 2>&1; do
    kill -0 "$pid" 2>/dev/null || die "the server exited during start-up, see $LOG_FILE"
    [ "$SECONDS" -lt "$deadline" ] || die "the server did not answer within 60 s, see $LOG_FILE"
    sleep 0.1
  done
}

start_server() {
  local server port
  server="$(find_server_binary)" || { install_server_packages; server="$(find_server_binary)" || die "MariaDB installed but mariadbd not found"; }
  initialise_data_dir
  port="$(choose_port)"
  if port_in_use "$port"; then
    rm -f "$PORT_FILE"
    port="$(choose_port)"
  fi
  log "starting $server on 127.0.0.1:$port"
  rm -f "$SOCKET"
  # setsid and redirected streams: the server must not hold the caller's stdout,
  # or $(...) and execSync in the caller would wait for it forever.
  setsid "$server" --no-defaults --datadir="$DATA_DIR" --socket="$SOCKET" --pid-file="$PID_FILE" \
    --port="$port" --bind-address=127.0.0.1 --skip-name-resolve --skip-log-bin --user="$(id -un)" \
    --character-set-server=utf8mb4 --collation-server=utf8mb4_unicode_ci \
    --sql-mode=ONLY_FULL_GROUP_BY,STRICT_TRANS_TABLES,NO_ZERO_IN_DATE,NO_ZERO_DATE,ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION \
    --max-connections=500 --innodb-log-file-size=16M \
    </dev/null >>"$LOG_FILE" 2>&1 9>&- &
  local launched=$!
  wait_until_ready "$launched"
}

ensure_account() {
  if [ ! -s "$PASSWORD_FILE" ]; then
    (umask 077; od -An -N24 -tx1 /dev/urandom | tr -d ' \n' >"$PASSWORD_FILE")
  fi
  local password
  password="$(cat "$PASSWORD_FILE")"
  client <<SQL
CREATE USER IF NOT EXISTS '$DB_USER'@'127.0.0.1' IDENTIFIED BY '$password';
ALTER USER '$DB_USER'@'127.0.0.1' IDENTIFIED BY '$password';
GRANT ALL PRIVILEGES ON *.* TO '$DB_USER'@'127.0.0.1';
CREATE DATABASE IF NOT EXISTS \`$DB_NAME\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
SQL
}

print_url() {
  echo "DATABASE_URL=mysql://$DB_USER:$(cat "$PASSWORD_FILE")@127.0.0.1:$(cat "$PORT_FILE")/$DB_NAME"
}

cmd_start() {
  mkdir -p "$STATE_DIR"
  exec 9>"$LOCK_FILE"
  flock 9
  if pid="$(running_pid)" && client -e 'SELECT 1' >/dev/null 2>&1; then
    log "reusing the running server (pid $pid)"
  else
    if pid="$(running_pid)"; then
      log "pid $pid does not answer: stopping it"
      stop_pid "$pid"
    fi
    rm -f "$PID_FILE"
    start_server
  fi
  ensure_account
  print_url
}

stop_pid() {
  local pid="$1" deadline=$((SECONDS + 30))
  kill -TERM "$pid" 2>/dev/null || return 0
  while kill -0 "$pid" 2>/dev/null; do
    [ "$SECONDS" -lt "$deadline" ] || { log "pid $pid ignored SIGTERM for 30 s: killing it"; kill -KILL "$pid"; break; }
    sleep 0.05
  done
}

cmd_stop() {
  mkdir -p "$STATE_DIR"
  exec 9>"$LOCK_FILE"
  flock 9
  local pid
  if pid="$(running_pid)"; then
    stop_pid "$pid"
    rm -f "$PID_FILE"
    log "stopped (pid $pid)"
  else
    log "not running"
  fi
}

cmd_url() {
  running_pid >/dev/null || die "not running: use '$0 start'"
  print_url
}

case "${1:-}" in
  start) cmd_start ;;
  stop) cmd_stop ;;
  url) cmd_url ;;
  *) die "usage: $0 start|stop|url" ;;
esac
