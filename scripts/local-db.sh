#!/usr/bin/env bash
# A private MariaDB server for this checkout: its own data directory, socket and
# loopback port, never systemd, port 3306 or /var/lib/mysql.
#   local-db.sh start   start it (or reuse the running one); last line: DATABASE_URL=...
#   local-db.sh stop    stop it by its verified PID
#   local-db.sh url     print DATABASE_URL=... for the running server
#   local-db.sh start-replica   also start a replica of it (GTID replication; the server gets a binary
#                               log from then on); last line: DATABASE_REPLICA_URLS=...
#   local-db.sh stop-replica    stop the replica by its verified PID
set -euo pipefail

ROOT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
STATE_DIR="${LOCAL_DB_DIR:-$ROOT_DIR/.local/mariadb}"
DATA_DIR="$STATE_DIR/data"
PID_FILE="$STATE_DIR/mariadbd.pid"
LOG_FILE="$STATE_DIR/mariadbd.log"
PORT_FILE="$STATE_DIR/port"
PASSWORD_FILE="$STATE_DIR/password"
LOCK_FILE="$STATE_DIR/lock"
# Present once a replica was asked for: the server then writes a binary log at every start.
BINLOG_MARK="$STATE_DIR/binlog"
REPLICA_DIR="$STATE_DIR/replica"
DB_USER="auth"
DB_NAME="auth"
# Unix socket paths must stay under about 100 characters, so the socket lives in
# /tmp under a name derived from the state directory.
STATE_KEY="$(printf '%s' "$STATE_DIR" | sha256sum | cut -c1-12)"
SOCKET="/tmp/nest-auth-db-$STATE_KEY.sock"
REPLICA_SOCKET="/tmp/nest-auth-db-$STATE_KEY-replica.sock"
REPLICATION_USER="replicator"

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

replica_client() {
  mariadb --no-defaults --protocol=socket --socket="$REPLICA_SOCKET" -uroot --batch --skip-column-names "$@"
}

# The PID is ours only if that process is a MariaDB server on our data directory;
# anything else is a stale PID file left by a reboot or a crash.
running_pid() {
  local pid_file="${1:-$PID_FILE}" data_dir="${2:-$DATA_DIR}"
  [ -f "$pid_file" ] || return 1
  local pid
  pid="$(cat "$pid_file" 2>/dev/null || true)"
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  [ -r "/proc/$pid/cmdline" ] || return 1
  local cmdline
  cmdline="$(tr '\0' ' ' <"/proc/$pid/cmdline")"
  case "$cmdline" in
    *mariadbd*"--datadir=$data_dir "*|*mysqld*"--datadir=$data_dir "*) echo "$pid"; return 0 ;;
  esac
  return 1
}

port_in_use() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# A free loopback port, kept in the port file so that the URL stays the same across restarts. It is
# below Linux's ephemeral range (32768-60999): an outgoing connection of the moment may hold a port
# there that no listener shows, and the server would then fail to bind it.
choose_port() {
  local port_file="${1:-$PORT_FILE}" offset="${2:-0}"
  if [ -f "$port_file" ]; then cat "$port_file"; return 0; fi
  local port=$((20000 + (16#${STATE_KEY:0:4} + offset) % 12000)) tries=0
  while port_in_use "$port"; do
    port=$((port + 1)); tries=$((tries + 1))
    [ "$tries" -lt 200 ] || die "no free loopback port found near $port"
  done
  echo "$port" >"$port_file"
  echo "$port"
}

initialise_data_dir() {
  local data_dir="${1:-$DATA_DIR}" log_file="${2:-$LOG_FILE}"
  [ -d "$data_dir/mysql" ] && return 0
  log "creating a data directory in $data_dir"
  rm -rf "$data_dir"
  mkdir -p "$data_dir"
  mariadb-install-db --no-defaults --datadir="$data_dir" --auth-root-authentication-method=normal \
    --skip-test-db --skip-name-resolve --user="$(id -un)" --innodb-log-file-size=16M >>"$log_file" 2>&1 \
    || die "mariadb-install-db failed, see $log_file"
}

wait_until_ready() {
  local pid="$1" ask="${2:-client}" log_file="${3:-$LOG_FILE}" deadline=$((SECONDS + 60))
  until "$ask" -e 'SELECT 1' >/dev/null 2>&1; do
    if ! kill -0 "$pid" 2>/dev/null; then
      tail -n 5 "$log_file" >&2
      die "the server exited during start-up, see $log_file"
    fi
    [ "$SECONDS" -lt "$deadline" ] || die "the server did not answer within 60 s, see $log_file"
    sleep 0.1
  done
}

# The settings both servers of a pair share: the service's character set and SQL mode.
COMMON_FLAGS=(--bind-address=127.0.0.1 --skip-name-resolve --user="$(id -un)"
  --character-set-server=utf8mb4 --collation-server=utf8mb4_unicode_ci
  --sql-mode=ONLY_FULL_GROUP_BY,STRICT_TRANS_TABLES,NO_ZERO_IN_DATE,NO_ZERO_DATE,ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION
  --max-connections=500 --innodb-log-file-size=16M)

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
  # A binary log (row events, GTIDs) only once a replica was asked for: it costs every commit a little.
  local binlog=(--skip-log-bin)
  [ -f "$BINLOG_MARK" ] && binlog=(--log-bin=mariadb-bin --server-id=1 --binlog-format=ROW
    --binlog-expire-logs-seconds=86400 --max-binlog-size=64M)
  setsid "$server" --no-defaults --datadir="$DATA_DIR" --socket="$SOCKET" --pid-file="$PID_FILE" \
    --port="$port" "${binlog[@]}" "${COMMON_FLAGS[@]}" \
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
  # Its replica first: it would only retry its connection to a server that is gone.
  replica_pid >/dev/null && stop_replica
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

# mariadb-dump takes the replica's starting copy; Debian ships it in mariadb-client, not in the core package.
ensure_dump_tool() {
  command -v mariadb-dump >/dev/null 2>&1 && return 0
  command -v apt-get >/dev/null 2>&1 || die "mariadb-dump is missing and apt-get is not available: install mariadb-client"
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  log "installing Debian's mariadb-client (for mariadb-dump)"
  $sudo apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends mariadb-client >&2
}

replica_pid() {
  running_pid "$REPLICA_DIR/mariadbd.pid" "$REPLICA_DIR/data"
}

# The server with its binary log on: a server started before a replica was asked for is restarted once.
ensure_primary_with_binlog() {
  touch "$BINLOG_MARK"
  local pid
  if pid="$(running_pid)" && [ "$(client -e 'SELECT @@log_bin' 2>/dev/null)" = "0" ]; then
    log "restarting the server (pid $pid) with a binary log, which replication reads"
    stop_pid "$pid"
    rm -f "$PID_FILE"
  fi
  if ! running_pid >/dev/null || ! client -e 'SELECT 1' >/dev/null 2>&1; then
    rm -f "$PID_FILE"
    start_server
  fi
  ensure_account
  [ -s "$STATE_DIR/replication-password" ] || (umask 077; od -An -N24 -tx1 /dev/urandom | tr -d ' \n' >"$STATE_DIR/replication-password")
  client <<SQL
CREATE USER IF NOT EXISTS '$REPLICATION_USER'@'127.0.0.1' IDENTIFIED BY '$(cat "$STATE_DIR/replication-password")';
GRANT REPLICATION SLAVE ON *.* TO '$REPLICATION_USER'@'127.0.0.1';
SQL
}

start_replica_server() {
  local server port
  server="$(find_server_binary)" || die "mariadbd not found"
  mkdir -p "$REPLICA_DIR"
  initialise_data_dir "$REPLICA_DIR/data" "$REPLICA_DIR/mariadbd.log"
  port="$(choose_port "$REPLICA_DIR/port" 1)"
  if port_in_use "$port"; then
    rm -f "$REPLICA_DIR/port"
    port="$(choose_port "$REPLICA_DIR/port" 1)"
  fi
  log "starting the replica on 127.0.0.1:$port"
  rm -f "$REPLICA_SOCKET"
  setsid "$server" --no-defaults --datadir="$REPLICA_DIR/data" --socket="$REPLICA_SOCKET" \
    --pid-file="$REPLICA_DIR/mariadbd.pid" --port="$port" --server-id=2 --skip-log-bin --read-only \
    --relay-log=relay-bin "${COMMON_FLAGS[@]}" </dev/null >>"$REPLICA_DIR/mariadbd.log" 2>&1 9>&- &
  wait_until_ready "$!" replica_client "$REPLICA_DIR/mariadbd.log"
}

# A new replica: the service's account, then a consistent copy of every database of the server with the
# GTID position it was taken at, then replication from that position on.
seed_replica() {
  local password databases position
  password="$(cat "$PASSWORD_FILE")"
  replica_client <<SQL
CREATE USER IF NOT EXISTS '$DB_USER'@'127.0.0.1' IDENTIFIED BY '$password';
GRANT ALL PRIVILEGES ON *.* TO '$DB_USER'@'127.0.0.1';
SQL
  databases="$(client -e "SELECT schema_name FROM information_schema.schemata
    WHERE schema_name NOT IN ('mysql', 'information_schema', 'performance_schema', 'sys')")"
  log "copying $(echo "$databases" | wc -w) databases to the replica"
  # shellcheck disable=SC2086 # one argument a database
  mariadb-dump --no-defaults --protocol=socket --socket="$SOCKET" -uroot --single-transaction --gtid \
    --master-data=2 --routines --events --databases $databases >"$REPLICA_DIR/seed.sql"
  position="$(sed -n "s/^-- SET GLOBAL gtid_slave_pos='\([^']*\)'.*/\1/p" "$REPLICA_DIR/seed.sql" | head -1)"
  replica_client <"$REPLICA_DIR/seed.sql"
  rm -f "$REPLICA_DIR/seed.sql"
  replica_client <<SQL
SET GLOBAL gtid_slave_pos = '$position';
CHANGE MASTER TO MASTER_HOST = '127.0.0.1', MASTER_PORT = $(cat "$PORT_FILE"),
  MASTER_USER = '$REPLICATION_USER', MASTER_PASSWORD = '$(cat "$STATE_DIR/replication-password")',
  MASTER_USE_GTID = slave_pos, MASTER_CONNECT_RETRY = 1;
START SLAVE;
SQL
  touch "$REPLICA_DIR/seeded"
}

print_replica_url() {
  echo "DATABASE_REPLICA_URLS=mysql://$DB_USER:$(cat "$PASSWORD_FILE")@127.0.0.1:$(cat "$REPLICA_DIR/port")/$DB_NAME"
}

cmd_start_replica() {
  mkdir -p "$STATE_DIR"
  exec 9>"$LOCK_FILE"
  flock 9
  ensure_primary_with_binlog
  if pid="$(replica_pid)" && replica_client -e 'SELECT 1' >/dev/null 2>&1; then
    log "reusing the running replica (pid $pid)"
  else
    if pid="$(replica_pid)"; then stop_pid "$pid"; fi
    rm -f "$REPLICA_DIR/mariadbd.pid"
    # A copy that was never finished is started again from scratch.
    [ -f "$REPLICA_DIR/seeded" ] || rm -rf "$REPLICA_DIR/data"
    start_replica_server
    if [ ! -f "$REPLICA_DIR/seeded" ]; then ensure_dump_tool; seed_replica; fi
  fi
  print_replica_url
}

stop_replica() {
  local pid
  if pid="$(replica_pid)"; then
    stop_pid "$pid"
    rm -f "$REPLICA_DIR/mariadbd.pid"
    log "replica stopped (pid $pid)"
  else
    log "replica not running"
  fi
}

cmd_stop_replica() {
  mkdir -p "$STATE_DIR"
  exec 9>"$LOCK_FILE"
  flock 9
  stop_replica
}

case "${1:-}" in
  start) cmd_start ;;
  stop) cmd_stop ;;
  url) cmd_url ;;
  start-replica) cmd_start_replica ;;
  stop-replica) cmd_stop_replica ;;
  *) die "usage: $0 start|stop|url|start-replica|stop-replica" ;;
esac
