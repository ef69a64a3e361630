#!/usr/bin/env bash
# Local backing services for Parley dev and tests, each on a free loopback port:
#   PostgreSQL  throwaway cluster (initdb) in target/services/pg
#   SQS         ElasticMQ (Apache-2.0), fetched from Maven Central via scripts/emulators/elasticmq-pom.xml
#   DynamoDB    dynalite 4.0.0 (Apache-2.0), installed from npm via scripts/emulators/dynalite/package.json
#
# Usage: scripts/services.sh start|stop|status|restart
#   start   starts whatever is not running yet and (re)writes target/services/env
#           (`export KEY=VALUE` lines; `. target/services/env` before mvn / java)
#   stop    stops everything, deletes the PostgreSQL data dir; never fails
#   status  prints each service; exit 0 if all three run, 3 otherwise
#
# All state lives in target/services/. Works from any cwd, as root or not, with no stdin.
# Knobs (env): SERVICES_START_TIMEOUT (s, default 120), ELASTICMQ_JAVA_OPTS.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
cd "$ROOT"

SVC="$ROOT/target/services"
ENV_FILE="$SVC/env"
TIMEOUT="${SERVICES_START_TIMEOUT:-120}"

PG_DATA="$SVC/pg"            # cluster (may be a symlink to /tmp, see pg_prepare_dirs)
PG_RUN="$SVC/pg-run"         # unix socket dir (may be a symlink to /tmp)
PG_LOG="$SVC/postgres.log"
PG_PID="$SVC/postgres.pid"
PG_PORT_FILE="$SVC/postgres.port"

EMQ_VERSION_POM="$ROOT/scripts/emulators/elasticmq-pom.xml"
EMQ_LIB="$SVC/elasticmq-lib"
EMQ_CONF="$SVC/elasticmq.conf"
EMQ_LOG="$SVC/elasticmq.log"
EMQ_PID="$SVC/elasticmq.pid"
EMQ_PORT_FILE="$SVC/elasticmq.port"

DYN_SRC="$ROOT/scripts/emulators/dynalite"
DYN_DIR="$SVC/dynalite"
DYN_LOG="$SVC/dynalite.log"
DYN_PID="$SVC/dynalite.pid"
DYN_PORT_FILE="$SVC/dynalite.port"

export DEBIAN_FRONTEND=noninteractive

log()  { printf '[services] %s\n' "$*"; }
warn() { printf '[services] WARNING: %s\n' "$*" >&2; }
die()  { printf '[services] ERROR: %s\n' "$*" >&2; exit 1; }

is_root() { [ "$(id -u)" -eq 0 ]; }

# ---------------------------------------------------------------------------
# generic helpers
# ---------------------------------------------------------------------------

APT_UPDATED=0
apt_install() {
  is_root || die "need to install '$*' but not root; install it manually (apt-get install -y $*)"
  command -v apt-get >/dev/null || die "need '$*' but apt-get is not available"
  if [ "$APT_UPDATED" = 0 ]; then
    log "apt-get update"
    apt-get update -qq </dev/null >/dev/null || die "apt-get update failed"
    APT_UPDATED=1
  fi
  log "apt-get install $*"
  apt-get install -y -qq --no-install-recommends "$@" </dev/null >/dev/null \
    || die "apt-get install $* failed"
}

pid_alive() { [ -n "${1:-}" ] && kill -0 "$1" 2>/dev/null; }

read_pid() { [ -s "$1" ] && head -n1 "$1" | tr -dc '0-9' || true; }

# true if pid $1 is alive and its command line contains $2 (guards against recycled pids)
pid_is() {
  local pid="$1" needle="$2"
  local cmd
  pid_alive "$pid" || return 1
  [ -r "/proc/$pid/cmdline" ] || return 0
  cmd="$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null)" || return 1
  [[ "$cmd" == *"$needle"* ]]
}

port_in_use() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# free_port: sets FREE_PORT (a global, so picks made in this run are remembered)
PICKED_PORTS=" "
FREE_PORT=""
free_port() {
  local p
  for _ in $(seq 1 50); do
    p=""
    if command -v python3 >/dev/null 2>&1; then
      p="$(python3 -c 'import socket
s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()' 2>/dev/null || true)"
    fi
    [ -n "$p" ] || p=$(( 20000 + (RANDOM * 32768 + RANDOM) % 40000 ))
    case "$PICKED_PORTS" in *" $p "*) continue ;; esac
    if ! port_in_use "$p"; then
      PICKED_PORTS="$PICKED_PORTS$p "
      FREE_PORT="$p"
      return 0
    fi
  done
  die "could not find a free port on 127.0.0.1"
}

# wait_until <timeout-s> <service name> <log file> <pid or ''> <command...>
wait_until() {
  local timeout="$1" name="$2" logf="$3" pid="$4"; shift 4
  local start=$SECONDS
  while ! "$@" >/dev/null 2>&1; do
    if [ -n "$pid" ] && ! pid_alive "$pid"; then
      fail_with_log "$name exited during startup" "$logf"
    fi
    if (( SECONDS - start >= timeout )); then
      fail_with_log "$name not ready after ${timeout}s" "$logf"
    fi
    sleep 0.2
  done
}

fail_with_log() {
  printf '[services] ERROR: %s. Last lines of %s:\n' "$1" "$2" >&2
  tail -n 40 "$2" 2>/dev/null | sed 's/^/    | /' >&2 || true
  printf '[services] (whatever did start keeps running: scripts/services.sh stop cleans up)\n' >&2
  exit 1
}

# run a command detached from this shell (own session, no tty, no inherited fds)
spawn() {
  local logf="$1"; shift
  : >"$logf"
  if command -v setsid >/dev/null; then
    setsid nohup "$@" </dev/null >>"$logf" 2>&1 9>&- &
  else
    nohup "$@" </dev/null >>"$logf" 2>&1 9>&- &
  fi
  echo $!
}

# stop_pid_begin <pidfile> <cmdline needle>: SIGTERM if it is really ours; prints the pid
stop_pid_begin() {
  local pid; pid="$(read_pid "$1")"
  rm -f "$1"
  if [ -n "$pid" ] && pid_is "$pid" "$2"; then
    kill -TERM "$pid" 2>/dev/null || true
    echo "$pid"
  fi
}

# stop_pid_wait <name> <pid>: wait up to 10 s, then SIGKILL
stop_pid_wait() {
  local name="$1" pid="$2"
  [ -n "$pid" ] || return 0
  for _ in $(seq 1 100); do pid_alive "$pid" || break; sleep 0.1; done
  if pid_alive "$pid"; then
    kill -KILL "$pid" 2>/dev/null || true
    for _ in $(seq 1 30); do pid_alive "$pid" || break; sleep 0.1; done
  fi
  log "$name stopped (pid $pid)"
}

stop_pid() { stop_pid_wait "$1" "$(stop_pid_begin "$2" "$3")"; }

# pids of service processes started from this repo whose pid files were lost (e.g. by a
# `mvn clean` while they ran): exact match on the argument that names this repo's path.
orphans() {
  local f pid cmd
  for f in /proc/[0-9]*/cmdline; do
    pid="${f#/proc/}"; pid="${pid%/cmdline}"
    [ "$pid" != "$$" ] && [ "$pid" != "${BASHPID:-$$}" ] || continue
    cmd="$(tr '\0' '\n' <"$f" 2>/dev/null)" || continue
    [[ $'\n'"$cmd"$'\n' == *$'\n'"$1"$'\n'* ]] && echo "$pid"
  done 2>/dev/null || true
}

# ---------------------------------------------------------------------------
# PostgreSQL
# ---------------------------------------------------------------------------

PG_BIN=""
PG_OWNER=""   # OS user running the cluster ("" = current user)

pg_find_bin() {
  local d
  d="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1 || true)"
  if [ -n "$d" ] && [ -x "$d/initdb" ]; then PG_BIN="$d"; return 0; fi
  if command -v initdb >/dev/null 2>&1 && command -v pg_ctl >/dev/null 2>&1; then
    PG_BIN="$(dirname "$(command -v initdb)")"; return 0
  fi
  return 1
}

pg_ensure_bin() {
  pg_find_bin && return 0
  apt_install postgresql
  pg_find_bin || die "PostgreSQL binaries not found under /usr/lib/postgresql/*/bin after install"
}

pg_setup_owner() {
  if is_root; then
    if ! id -u postgres >/dev/null 2>&1; then
      log "creating system user postgres"
      useradd --system --user-group --no-create-home --home-dir /nonexistent \
        --shell /usr/sbin/nologin postgres 2>/dev/null \
        || useradd -r -U -M -s /usr/sbin/nologin postgres \
        || die "could not create user postgres"
    fi
    PG_OWNER=postgres
  else
    PG_OWNER=""
  fi
}

as_pg() {
  if [ -n "$PG_OWNER" ]; then
    # cwd / : the postgres user may not be allowed into the repo dir
    if command -v runuser >/dev/null; then
      (cd / && runuser -u "$PG_OWNER" -- "$@")
    else
      (cd / && su "$PG_OWNER" -s /bin/sh -c "$(printf '%q ' "$@")")
    fi
  else
    "$@"
  fi
}

# Fallback home of the cluster when the postgres user cannot use target/services (see
# pg_prepare_dirs). Deterministic per checkout, so `stop` finds it even if target/ is gone.
PG_TMP_BASE="/tmp/parley-pg-$(printf '%s' "$SVC" | cksum | cut -d' ' -f1)"

# Real paths of the data dir, socket dir and log (the target/services names may be symlinks).
pg_resolve() {
  PGD="$(readlink -f "$PG_DATA" 2>/dev/null || echo "$PG_DATA")"
  PGR="$(readlink -f "$PG_RUN" 2>/dev/null || echo "$PG_RUN")"
  PGL="$(readlink -f "$PG_LOG" 2>/dev/null || echo "$PG_LOG")"
}

# Remove the data/socket dirs (and the /tmp fallback); keep a plain copy of the log.
pg_remove_dirs() {
  local d
  if [ -L "$PG_LOG" ]; then
    cp "$PG_LOG" "$PG_LOG.tmp" 2>/dev/null || true
    rm -f "$PG_LOG"
    [ ! -f "$PG_LOG.tmp" ] || mv -f "$PG_LOG.tmp" "$PG_LOG"
  fi
  for d in "$PG_DATA" "$PG_RUN"; do
    if [ -L "$d" ]; then rm -f "$d"; else rm -rf "$d"; fi
  done
  rm -rf "$PG_TMP_BASE"
}

# Data dir, socket dir and log live in target/services, unless the postgres user cannot
# reach that path (e.g. a checkout under /root, mode 700) or the socket path would exceed
# the 107-byte unix socket limit: then they live in $PG_TMP_BASE, symlinked from there.
pg_prepare_dirs() {
  local use_tmp=0
  pg_remove_dirs
  if [ -n "$PG_OWNER" ] && ! as_pg test -x "$SVC" 2>/dev/null; then use_tmp=1; fi
  if [ $(( ${#PG_RUN} + 20 )) -gt 100 ]; then use_tmp=1; fi
  if [ "$use_tmp" = 1 ]; then
    (umask 022 && mkdir -p "$PG_TMP_BASE/data" "$PG_TMP_BASE/run")
    : >"$PG_TMP_BASE/postgres.log"
    ln -s "$PG_TMP_BASE/data" "$PG_DATA"
    ln -s "$PG_TMP_BASE/run" "$PG_RUN"
    rm -f "$PG_LOG"; ln -s "$PG_TMP_BASE/postgres.log" "$PG_LOG"
    log "the postgres user cannot use $SVC; the cluster lives in $PG_TMP_BASE (symlinked)"
  else
    mkdir -p "$PG_DATA" "$PG_RUN"
    : >"$PG_LOG"
  fi
  pg_resolve
  chmod 700 "$PGD"
  if [ -n "$PG_OWNER" ]; then
    chown "$PG_OWNER:" "$PGD" "$PGR" "$PGL"
  fi
}

pg_port() { sed -n 4p "$PG_DATA/postmaster.pid" 2>/dev/null | tr -dc '0-9'; }

pg_running() {
  [ -n "$PG_BIN" ] || pg_find_bin || return 1
  [ -f "$PG_DATA/postmaster.pid" ] || return 1
  local pid; pid="$(read_pid "$PG_DATA/postmaster.pid")"
  pid_alive "$pid"
}

pg_start() {
  local port="$1"
  pg_ensure_bin
  pg_setup_owner
  pg_prepare_dirs

  # superuser 'postgres' for local (socket) admin; the app connects over TCP with a password
  as_pg "$PG_BIN/initdb" -D "$PGD" -U postgres -E UTF8 --locale=C \
      --auth-local=trust --auth-host=scram-sha-256 >>"$PGL" 2>&1 \
    || fail_with_log "initdb failed" "$PG_LOG"

  cat >>"$PGD/postgresql.conf" <<EOF

# --- scripts/services.sh (throwaway dev/test cluster) ---
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$PGR'
max_connections = 200
fsync = off
synchronous_commit = off
full_page_writes = off
log_min_messages = warning
EOF

  as_pg "$PG_BIN/pg_ctl" -D "$PGD" -l "$PGL" -w -t "$TIMEOUT" -s start </dev/null >>"$PGL" 2>&1 9>&- \
    || fail_with_log "PostgreSQL failed to start on port $port" "$PG_LOG"
  wait_until "$TIMEOUT" PostgreSQL "$PG_LOG" "" \
    "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$port" -d postgres

  "$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$PGR" -p "$port" -U postgres -d postgres \
      -c "CREATE ROLE parley LOGIN SUPERUSER PASSWORD 'parley'" \
      -c "CREATE DATABASE parley OWNER parley" </dev/null >>"$PGL" 2>&1 \
    || fail_with_log "could not create role/database parley" "$PG_LOG"

  read_pid "$PGD/postmaster.pid" >"$PG_PID"
  echo "$port" >"$PG_PORT_FILE"
  log "PostgreSQL $("$PG_BIN/postgres" --version | awk '{print $3}') started: 127.0.0.1:$port db=parley user=parley (pid $(cat "$PG_PID"), data $PGD)"
}

pg_stop() {
  local pid
  if pg_running; then
    pg_setup_owner
    pg_resolve
    pid="$(read_pid "$PGD/postmaster.pid")"
    if ! as_pg "$PG_BIN/pg_ctl" -D "$PGD" -m fast -w -t 30 -s stop </dev/null >/dev/null 2>&1; then
      kill -KILL "$pid" 2>/dev/null || true
      sleep 0.5
    fi
    log "PostgreSQL stopped (pid $pid)"
  else
    pid="$(read_pid "$PG_PID")"
    if [ -n "$pid" ] && pid_is "$pid" "postgres"; then
      kill -INT "$pid" 2>/dev/null || true    # SIGINT = fast shutdown
      stop_pid_wait PostgreSQL "$pid"
    fi
  fi
  rm -f "$PG_PID" "$PG_PORT_FILE"
  pg_remove_dirs
}

# ---------------------------------------------------------------------------
# ElasticMQ (SQS)
# ---------------------------------------------------------------------------

JAVA=""
java_major() {
  "$1" -XshowSettings:properties -version 2>&1 \
    | awk -F'= ' '/java.specification.version/ {print $2; exit}' | sed 's/^1\.//'
}
find_java() {
  local c m
  for c in "${JAVA_HOME:+$JAVA_HOME/bin/java}" "$(command -v java 2>/dev/null || true)" \
           $(ls -d /usr/lib/jvm/*/bin/java 2>/dev/null | sort -rV); do
    [ -n "$c" ] && [ -x "$c" ] || continue
    m="$(java_major "$c" 2>/dev/null || true)"
    if [ -n "$m" ] && [ "$m" -ge 11 ] 2>/dev/null; then JAVA="$c"; return 0; fi
  done
  return 1
}

emq_version() {
  sed -n 's:.*<elasticmq.version>\(.*\)</elasticmq.version>.*:\1:p' "$EMQ_VERSION_POM" | head -n1
}

emq_fetch() {
  local ver marker
  ver="$(emq_version)"
  marker="$EMQ_LIB/.complete-$ver"
  [ -f "$marker" ] && return 0
  command -v mvn >/dev/null 2>&1 || apt_install maven
  log "fetching ElasticMQ $ver classpath (mvn dependency:copy-dependencies)"
  rm -rf "$EMQ_LIB"
  mvn -B -q -Dstyle.color=never -f "$EMQ_VERSION_POM" dependency:copy-dependencies \
      -DoutputDirectory="$EMQ_LIB" </dev/null >"$SVC/elasticmq-fetch.log" 2>&1 \
    || fail_with_log "could not fetch ElasticMQ $ver from Maven Central" "$SVC/elasticmq-fetch.log"
  ls "$EMQ_LIB"/elasticmq-server_*.jar >/dev/null 2>&1 \
    || fail_with_log "ElasticMQ jars missing after fetch" "$SVC/elasticmq-fetch.log"
  touch "$marker"
}

emq_ready() {
  curl -fsS -m 2 "http://127.0.0.1:$1/?Action=ListQueues&Version=2012-11-05" | grep -q ListQueuesResponse
}

emq_running() { pid_is "$(read_pid "$EMQ_PID")" "org.elasticmq.server.Main"; }

# emq_launch <port>: spawn (no wait); emq_await <port>: wait until it answers
emq_launch() {
  local port="$1" pid
  find_java || { apt_install openjdk-17-jre-headless; find_java; } || die "no java >= 11 found"
  emq_fetch
  cat >"$EMQ_CONF" <<EOF
# generated by scripts/services.sh
include classpath("application.conf")

node-address {
  protocol = http
  host = "127.0.0.1"
  port = $port
  context-path = ""
}
rest-sqs {
  enabled = true
  bind-port = $port
  bind-hostname = "127.0.0.1"
  sqs-limits = strict
}
generate-node-address = false
aws {
  region = "us-east-1"
  accountId = "000000000000"
}
EOF
  # shellcheck disable=SC2086
  pid="$(spawn "$EMQ_LOG" "$JAVA" ${ELASTICMQ_JAVA_OPTS:--Xms64m -Xmx384m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xss1m} \
           -Dconfig.file="$EMQ_CONF" -cp "$EMQ_LIB/*" org.elasticmq.server.Main)"
  echo "$pid" >"$EMQ_PID"
}

emq_await() {
  local port="$1" pid; pid="$(read_pid "$EMQ_PID")"
  wait_until "$TIMEOUT" ElasticMQ "$EMQ_LOG" "$pid" emq_ready "$port"
  echo "$port" >"$EMQ_PORT_FILE"
  log "SQS (ElasticMQ $(emq_version)) started: http://127.0.0.1:$port (pid $pid, java $(java_major "$JAVA"))"
}

# ---------------------------------------------------------------------------
# dynalite (DynamoDB)
# ---------------------------------------------------------------------------

node_major() { node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }

dyn_install() {
  command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 || apt_install nodejs npm
  local nm; nm="$(node_major)"
  [ "$nm" -ge 18 ] || die "node >= 18 required for dynalite (found $(node --version 2>/dev/null || echo none))"
  [ "$nm" -ge 20 ] || warn "dynalite 4 declares node >= 20; found $(node --version)"
  mkdir -p "$DYN_DIR"
  if [ -f "$DYN_DIR/node_modules/dynalite/cli.js" ] \
     && cmp -s "$DYN_SRC/package.json" "$DYN_DIR/package.json" \
     && { [ ! -f "$DYN_SRC/package-lock.json" ] || cmp -s "$DYN_SRC/package-lock.json" "$DYN_DIR/package-lock.json"; }; then
    return 0
  fi
  log "installing dynalite (npm) into $DYN_DIR"
  rm -rf "$DYN_DIR/node_modules"
  cp "$DYN_SRC/package.json" "$DYN_DIR/"
  local cmd=install
  if [ -f "$DYN_SRC/package-lock.json" ]; then cp "$DYN_SRC/package-lock.json" "$DYN_DIR/"; cmd=ci; fi
  # --ignore-scripts: classic-level (LevelDB) ships linux prebuilds and is unused in memory mode
  npm "$cmd" --prefix "$DYN_DIR" --no-audit --no-fund --ignore-scripts --loglevel=error \
      </dev/null >"$SVC/dynalite-install.log" 2>&1 \
    || fail_with_log "npm $cmd of dynalite failed" "$SVC/dynalite-install.log"
  [ -f "$DYN_DIR/node_modules/dynalite/cli.js" ] \
    || fail_with_log "dynalite missing after npm $cmd" "$SVC/dynalite-install.log"
}

dyn_ready() {
  curl -fsS -m 2 -X POST "http://127.0.0.1:$1/" \
    -H 'Content-Type: application/x-amz-json-1.0' \
    -H 'X-Amz-Target: DynamoDB_20120810.ListTables' \
    -H 'X-Amz-Date: 20240101T000000Z' \
    -H 'Authorization: AWS4-HMAC-SHA256 Credential=local/20240101/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=0' \
    -d '{}' | grep -q TableNames
}

dyn_running() { pid_is "$(read_pid "$DYN_PID")" "dynalite/cli.js"; }

dyn_launch() {
  local port="$1" pid
  dyn_install
  # in memory (no --path); tables become ACTIVE immediately
  pid="$(spawn "$DYN_LOG" node "$DYN_DIR/node_modules/dynalite/cli.js" --host 127.0.0.1 --port "$port" \
           --createTableMs 0 --deleteTableMs 0 --updateTableMs 0)"
  echo "$pid" >"$DYN_PID"
}

dyn_await() {
  local port="$1" pid; pid="$(read_pid "$DYN_PID")"
  wait_until "$TIMEOUT" dynalite "$DYN_LOG" "$pid" dyn_ready "$port"
  echo "$port" >"$DYN_PORT_FILE"
  log "DynamoDB (dynalite $(node -p "require('$DYN_DIR/node_modules/dynalite/package.json').version")) started: http://127.0.0.1:$port (pid $pid, in memory)"
}

# ---------------------------------------------------------------------------
# commands
# ---------------------------------------------------------------------------

write_env() {
  local pg sqs ddb tmp
  pg="$(cat "$PG_PORT_FILE")"; sqs="$(cat "$EMQ_PORT_FILE")"; ddb="$(cat "$DYN_PORT_FILE")"
  tmp="$(mktemp "$SVC/.env.XXXXXX")"
  cat >"$tmp" <<EOF
export QUARKUS_DATASOURCE_REACTIVE_URL=postgresql://127.0.0.1:$pg/parley
export QUARKUS_DATASOURCE_JDBC_URL=jdbc:postgresql://127.0.0.1:$pg/parley
export QUARKUS_DATASOURCE_USERNAME=parley
export QUARKUS_DATASOURCE_PASSWORD=parley
export QUARKUS_SQS_ENDPOINT_OVERRIDE=http://127.0.0.1:$sqs
export QUARKUS_DYNAMODB_ENDPOINT_OVERRIDE=http://127.0.0.1:$ddb
export PARLEY_SERVICES_PG_PORT=$pg
export PARLEY_SERVICES_SQS_PORT=$sqs
export PARLEY_SERVICES_DYNAMODB_PORT=$ddb
EOF
  chmod 644 "$tmp"
  mv -f "$tmp" "$ENV_FILE"
}

# Serialises concurrent start/stop (e.g. parallel make). fd 9 must not leak into the
# services (they would hold the lock forever): every spawn closes it (9>&-).
lock() {
  mkdir -p "$SVC"
  if command -v flock >/dev/null; then
    exec 9>"$SVC/.lock"
    flock -w "${1:-600}" 9 || { warn "could not lock $SVC/.lock within ${1:-600}s"; return 1; }
  fi
}

cmd_start() {
  lock || die "another scripts/services.sh seems stuck"
  command -v curl >/dev/null 2>&1 || apt_install curl ca-certificates
  # the two emulators boot in the background while PostgreSQL initialises
  local emq_port="" dyn_port=""
  if emq_running && [ -s "$EMQ_PORT_FILE" ]; then
    log "SQS (ElasticMQ) already running: http://127.0.0.1:$(cat "$EMQ_PORT_FILE") (pid $(read_pid "$EMQ_PID"))"
  else
    stop_pid ElasticMQ "$EMQ_PID" "org.elasticmq.server.Main"
    rm -f "$EMQ_PORT_FILE"
    free_port; emq_port="$FREE_PORT"; emq_launch "$emq_port"
  fi
  if dyn_running && [ -s "$DYN_PORT_FILE" ]; then
    log "DynamoDB (dynalite) already running: http://127.0.0.1:$(cat "$DYN_PORT_FILE") (pid $(read_pid "$DYN_PID"))"
  else
    stop_pid dynalite "$DYN_PID" "dynalite/cli.js"
    rm -f "$DYN_PORT_FILE"
    free_port; dyn_port="$FREE_PORT"; dyn_launch "$dyn_port"
  fi
  if pg_running && [ -n "$(pg_port)" ]; then
    pg_port >"$PG_PORT_FILE"
    read_pid "$PG_DATA/postmaster.pid" >"$PG_PID"
    log "PostgreSQL already running: 127.0.0.1:$(pg_port) (pid $(read_pid "$PG_PID"))"
  else
    pg_stop >/dev/null 2>&1 || true
    free_port; pg_start "$FREE_PORT"
  fi
  [ -z "$emq_port" ] || emq_await "$emq_port"
  [ -z "$dyn_port" ] || dyn_await "$dyn_port"
  write_env
  log "env written to ${ENV_FILE#"$ROOT"/} (source it: . ${ENV_FILE#"$ROOT"/})"
}

cmd_stop() {
  # never fails: safe in a Makefile trap / EXIT handler
  set +e
  if [ -d "$SVC" ]; then lock 60 || warn "stopping without the lock"; fi
  PG_BIN=""; pg_find_bin
  local dpid epid
  dpid="$(stop_pid_begin "$DYN_PID" "dynalite/cli.js")"
  epid="$(stop_pid_begin "$EMQ_PID" "org.elasticmq.server.Main")"
  pg_stop
  stop_pid_wait dynalite "$dpid"
  stop_pid_wait ElasticMQ "$epid"
  # leftovers whose pid files are gone (e.g. target/ deleted while they ran)
  local pid left=""
  for pid in $(orphans "-Dconfig.file=$EMQ_CONF") $(orphans "$DYN_DIR/node_modules/dynalite/cli.js"); do
    kill -TERM "$pid" 2>/dev/null && left="$left $pid"
  done
  for pid in $(orphans "$PG_DATA") $(orphans "$PG_TMP_BASE/data"); do   # postmaster: SIGINT = fast shutdown
    kill -INT "$pid" 2>/dev/null && left="$left $pid"
  done
  for pid in $left; do stop_pid_wait "leftover process" "$pid"; done
  rm -f "$ENV_FILE" "$EMQ_PORT_FILE" "$DYN_PORT_FILE" "$EMQ_CONF"
  exit 0
}

cmd_status() {
  local ok=0
  if pg_running; then log "PostgreSQL  running  127.0.0.1:$(cat "$PG_PORT_FILE" 2>/dev/null) pid $(read_pid "$PG_DATA/postmaster.pid")"
  else log "PostgreSQL  stopped"; ok=3; fi
  if emq_running; then log "ElasticMQ   running  http://127.0.0.1:$(cat "$EMQ_PORT_FILE" 2>/dev/null || echo '?') pid $(read_pid "$EMQ_PID")"
  else log "ElasticMQ   stopped"; ok=3; fi
  if dyn_running; then log "dynalite    running  http://127.0.0.1:$(cat "$DYN_PORT_FILE" 2>/dev/null || echo '?') pid $(read_pid "$DYN_PID")"
  else log "dynalite    stopped"; ok=3; fi
  [ -f "$ENV_FILE" ] && log "env: ${ENV_FILE#"$ROOT"/}"
  return "$ok"
}

case "${1:-}" in
  start)   cmd_start ;;
  stop)    cmd_stop ;;
  status)  cmd_status ;;
  restart) ( cmd_stop ); cmd_start ;;
  *) echo "usage: $0 start|stop|status|restart" >&2; exit 2 ;;
esac
