#!/usr/bin/env bash
# Local backing services for Parley dev and tests, each on a free loopback port:
#   PostgreSQL  a cluster from the system's binaries (initdb)
#   SQS         ElasticMQ (Apache-2.0), fetched from Maven Central via scripts/emulators/elasticmq-pom.xml
#   DynamoDB    dynalite 4.0.0 (Apache-2.0), installed from npm via scripts/emulators/dynalite/package.json
#   S3          s3rver 3.7.1 (MIT), installed from npm via scripts/emulators/s3rver/package.json
#   Stripe      Parley's own emulator (scripts/emulators/stripe, JDK only, ADR 0013): always when ephemeral
#               (tests); persistent (make run) only with BILLING=1, forwarding its webhooks to
#               $STRIPE_FORWARD_TO (default http://127.0.0.1:8080/v1/billing/stripe-webhook)
#
# Usage: scripts/services.sh start|stop|status|restart|token|wipe [--state DIR] [--ephemeral|--persistent]
#   --state DIR    everything of this set of services: pid files, ports, logs, the env file and the data
#                  (default target/services; env SERVICES_STATE). Two state dirs share nothing but the
#                  emulator installs (target/emulators/), so `make test` (target/services, ephemeral) and
#                  `make run` ($PARLEY_DATA, persistent) run side by side without seeing each other.
#   --ephemeral    (default; env SERVICES_MODE=ephemeral) throwaway: a new PostgreSQL cluster at every
#                  start, deleted at stop; ElasticMQ and dynalite in memory; S3 objects deleted. A second
#                  start reuses services that already run.
#   --persistent   (env SERVICES_MODE=persistent) durable: the PostgreSQL cluster, dynalite's LevelDB,
#                  ElasticMQ's H2 file and s3rver's files stay in DIR across stops, SIGKILLs and restarts.
#                  One owner at a time: the owner is the process that ran `start` (its parent, e.g. the
#                  shell of `make run`; env SERVICES_OWNER overrides). `start` refuses while another owner
#                  is alive, and stops the leftovers of a dead one before starting.
#                  A service that died alone (e.g. a SIGKILLed emulator) is started again by `start` on its
#                  old port when that is free, so an app still running finds it where it was.
#
#   start   starts what is not running and (re)writes DIR/env (`export KEY=VALUE` lines; source it
#           before mvn / java)
#   stop    stops this state dir's services (ephemeral: and deletes their data); never fails.
#           Persistent: only the owner (or anyone, once the owner is dead) stops them
#   status  prints each service; exit 0 if all four run, 3 otherwise
#   token   persistent: prints `export TOKEN=...`, a new API token of the demo account (on stdout; the
#           rest on stderr), starting PostgreSQL for a moment when it is not running
#   wipe    persistent: deletes DIR (refuses while its owner is alive); asks nothing, see `make reset`
#
# Works from any cwd, as root or not, with no stdin.
# Knobs (env): SERVICES_START_TIMEOUT (s, default 120), ELASTICMQ_JAVA_OPTS.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
cd "$ROOT"

CMD="${1:-}"; [ $# -eq 0 ] || shift
STATE_ARG="${SERVICES_STATE:-target/services}"
MODE="${SERVICES_MODE:-ephemeral}"
while [ $# -gt 0 ]; do
  case "$1" in
    --state)      [ $# -ge 2 ] || { echo "--state needs a directory" >&2; exit 2; }; STATE_ARG="$2"; shift 2 ;;
    --state=*)    STATE_ARG="${1#--state=}"; shift ;;
    --ephemeral)  MODE=ephemeral; shift ;;
    --persistent) MODE=persistent; shift ;;
    *) echo "unknown option: $1" >&2; exit 2 ;;
  esac
done
case "$MODE" in ephemeral|persistent) ;; *) echo "SERVICES_MODE must be ephemeral or persistent" >&2; exit 2 ;; esac
[ -n "$STATE_ARG" ] || { echo "empty state directory" >&2; exit 2; }
mkdir -p "$STATE_ARG"
SVC="$(cd "$STATE_ARG" && pwd -P)"
[ "$SVC" != / ] || { echo "refusing / as state directory" >&2; exit 2; }
# Marks this script's child processes, so `stop` finds them even when their pid files are lost.
export PARLEY_SERVICES_STATE="$SVC"

ENV_FILE="$SVC/env"
MARKER="$SVC/.parley-services"   # holds the mode; a state dir never changes mode
OWNER_FILE="$SVC/owner.pid"
TIMEOUT="${SERVICES_START_TIMEOUT:-120}"
TOOLS="$ROOT/target/emulators"   # installs only (a cache shared by every state dir)

PG_DATA="$SVC/pg"            # cluster (ephemeral: may be a symlink to /tmp, see pg_prepare_dirs)
PG_LOG="$SVC/postgres.log"
PG_PID="$SVC/postgres.pid"
PG_PORT_FILE="$SVC/postgres.port"
# Throwaway per state dir: the unix socket folder (short path, reachable by the postgres user) and,
# in ephemeral mode, the cluster when the postgres user cannot reach $SVC.
PG_TMP_BASE="/tmp/parley-pg-$(printf '%s' "$SVC" | cksum | cut -d' ' -f1)"
PG_SOCK="$PG_TMP_BASE/run"

EMQ_VERSION_POM="$ROOT/scripts/emulators/elasticmq-pom.xml"
EMQ_LIB="$TOOLS/elasticmq-lib"
EMQ_CONF="$SVC/elasticmq.conf"
EMQ_LOG="$SVC/elasticmq.log"
EMQ_PID="$SVC/elasticmq.pid"
EMQ_PORT_FILE="$SVC/elasticmq.port"
EMQ_DB="$SVC/elasticmq/messages"   # persistent: H2 database (messages.mv.db)

DYN_SRC="$ROOT/scripts/emulators/dynalite"
DYN_DIR="$TOOLS/dynalite"
DYN_DATA="$SVC/dynalite"           # persistent: LevelDB
DYN_LOG="$SVC/dynalite.log"
DYN_PID="$SVC/dynalite.pid"
DYN_PORT_FILE="$SVC/dynalite.port"

S3_SRC="$ROOT/scripts/emulators/s3rver"
S3_DIR="$TOOLS/s3rver"
S3_DATA="$SVC/s3"                  # buckets and objects (ephemeral: emptied at start and stop)
S3_LOG="$SVC/s3rver.log"
S3_PID="$SVC/s3rver.pid"
S3_PORT_FILE="$SVC/s3rver.port"

STRIPE_SRC="$ROOT/scripts/emulators/stripe"
STRIPE_CLASSES="$TOOLS/stripe-emulator"
STRIPE_LOG="$SVC/stripe.log"
STRIPE_PID="$SVC/stripe.pid"
STRIPE_PORT_FILE="$SVC/stripe.port"
# One signing secret for every endpoint, as `stripe listen` has: Parley is configured with it ahead.
STRIPE_WEBHOOK_SECRET="whsec_parley_local_emulator"

persistent() { [ "$MODE" = persistent ]; }

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

# Headless Chromium and its WebDriver for the console's browser tests (ConsoleBrowserTest); Debian's packages.
cmd_browser() {
  if command -v chromium >/dev/null 2>&1 && command -v chromedriver >/dev/null 2>&1; then
    log "chromium $(chromium --version 2>/dev/null | awk '{print $2}') and chromedriver present"
    return 0
  fi
  DEBIAN_FRONTEND=noninteractive apt_install chromium chromium-driver
  log "installed $(chromium --version 2>/dev/null) and chromedriver"
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

# reuse_or_free_port <port file>: sets FREE_PORT for a service being (re)started. Persistent: the port it
# had (its port file outlives a crash of the service alone) when still free, so a running app finds an
# emulator that was killed and started again where it was; else a new free port.
reuse_or_free_port() {
  local prev; prev="$(cat "$1" 2>/dev/null | tr -dc '0-9' || true)"
  rm -f "$1"
  if persistent && [ -n "$prev" ] && ! port_in_use "$prev"; then
    PICKED_PORTS="$PICKED_PORTS$prev "
    FREE_PORT="$prev"
  else
    free_port
  fi
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
    setsid nohup "$@" </dev/null >>"$logf" 2>&1 8>&- 9>&- &
  else
    nohup "$@" </dev/null >>"$logf" 2>&1 8>&- 9>&- &
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

# pids of this state dir's emulators whose pid files were lost (e.g. by a `mvn clean` while they
# ran): processes whose command line holds $1 and whose environment marks them as ours.
orphans() {
  local f pid cmd
  for f in /proc/[0-9]*/cmdline; do
    pid="${f#/proc/}"; pid="${pid%/cmdline}"
    [ "$pid" != "$$" ] && [ "$pid" != "${BASHPID:-$$}" ] || continue
    cmd="$(tr '\0' ' ' <"$f" 2>/dev/null)" || continue
    [[ "$cmd" == *"$1"* ]] || continue
    tr '\0' '\n' <"/proc/$pid/environ" 2>/dev/null | grep -qxF "PARLEY_SERVICES_STATE=$SVC" && echo "$pid"
  done 2>/dev/null || true
}

# pids of postmasters of this state dir's cluster (exact -D argument), for lost pid files
pg_orphans() {
  local f pid cmd d
  for f in /proc/[0-9]*/cmdline; do
    pid="${f#/proc/}"; pid="${pid%/cmdline}"
    cmd="$(tr '\0' '\n' <"$f" 2>/dev/null)" || continue
    for d in "$PG_DATA" "$PG_TMP_BASE/data" "$(readlink -f "$PG_DATA" 2>/dev/null || true)"; do
      [ -n "$d" ] || continue
      if [[ $'\n'"$cmd"$'\n' == *$'\n'"$d"$'\n'* ]]; then echo "$pid"; break; fi
    done
  done 2>/dev/null || true
}

# run "$@" with the install lock (fd 8) held: installs are shared by every state dir
with_tools_lock() {
  mkdir -p "$TOOLS"
  if command -v flock >/dev/null; then
    ( flock -w 900 8 || die "could not lock $TOOLS/.lock"; "$@" ) 8>"$TOOLS/.lock"
  else
    "$@"
  fi
}

# wait (up to $2 s) for pid $1 to vanish; true if it did
wait_gone() {
  local pid="$1" i
  for i in $(seq 1 $(( ${2:-10} * 10 ))); do pid_alive "$pid" || return 0; sleep 0.1; done
  ! pid_alive "$pid"
}

# ---------------------------------------------------------------------------
# PostgreSQL
# ---------------------------------------------------------------------------

PG_BIN=""
PG_OWNER=""   # OS user running the cluster ("" = current user)

pg_find_bin() {
  local d v
  # an existing cluster runs only with the binaries of its major version
  if [ -f "$PG_DATA/PG_VERSION" ]; then
    v="$(tr -dc '0-9' <"$PG_DATA/PG_VERSION")"
    d="/usr/lib/postgresql/$v/bin"
    if [ -x "$d/pg_ctl" ]; then PG_BIN="$d"; return 0; fi
    if command -v pg_ctl >/dev/null 2>&1 && pg_ctl --version 2>/dev/null | grep -q " $v\."; then
      PG_BIN="$(dirname "$(command -v pg_ctl)")"; return 0
    fi
    return 1
  fi
  d="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1 || true)"
  if [ -n "$d" ] && [ -x "$d/initdb" ]; then PG_BIN="$d"; return 0; fi
  if command -v initdb >/dev/null 2>&1 && command -v pg_ctl >/dev/null 2>&1; then
    PG_BIN="$(dirname "$(command -v initdb)")"; return 0
  fi
  return 1
}

pg_ensure_bin() {
  pg_find_bin && return 0
  if [ -f "$PG_DATA/PG_VERSION" ]; then
    local v; v="$(tr -dc '0-9' <"$PG_DATA/PG_VERSION")"
    apt_install "postgresql-$v"
    pg_find_bin || die "the cluster in $PG_DATA is PostgreSQL $v and its binaries are missing (/usr/lib/postgresql/$v/bin); install postgresql-$v or 'make reset'"
    return 0
  fi
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

# Real paths of the data dir and log (in ephemeral mode the $SVC names may be symlinks).
pg_resolve() {
  PGD="$(readlink -f "$PG_DATA" 2>/dev/null || echo "$PG_DATA")"
  PGL="$(readlink -f "$PG_LOG" 2>/dev/null || echo "$PG_LOG")"
}

# Ephemeral only: remove the cluster (and the /tmp fallback); keep a plain copy of the log.
pg_remove_dirs() {
  if [ -L "$PG_LOG" ]; then
    cp "$PG_LOG" "$PG_LOG.tmp" 2>/dev/null || true
    rm -f "$PG_LOG"
    [ ! -f "$PG_LOG.tmp" ] || mv -f "$PG_LOG.tmp" "$PG_LOG"
  fi
  if [ -L "$PG_DATA" ]; then rm -f "$PG_DATA"; else rm -rf "$PG_DATA"; fi
  rm -rf "$PG_TMP_BASE"
}

pg_prepare_socket() {
  (umask 022 && mkdir -p "$PG_SOCK")
  [ -z "$PG_OWNER" ] || chown "$PG_OWNER:" "$PG_SOCK"
}

# Ephemeral: a fresh empty data dir in $SVC, unless the postgres user cannot reach that path (e.g.
# a checkout under /root, mode 700): then in $PG_TMP_BASE, symlinked from $SVC.
pg_prepare_ephemeral() {
  pg_remove_dirs
  if [ -n "$PG_OWNER" ] && ! as_pg test -x "$SVC" 2>/dev/null; then
    (umask 022 && mkdir -p "$PG_TMP_BASE/data")
    : >"$PG_TMP_BASE/postgres.log"
    ln -s "$PG_TMP_BASE/data" "$PG_DATA"
    rm -f "$PG_LOG"; ln -s "$PG_TMP_BASE/postgres.log" "$PG_LOG"
    log "the postgres user cannot use $SVC; the cluster lives in $PG_TMP_BASE (symlinked)"
  else
    mkdir -p "$PG_DATA"
    : >"$PG_LOG"
  fi
}

# Persistent: keep the cluster; it must be reachable by the user who runs it.
pg_prepare_persistent() {
  mkdir -p "$PG_DATA"
  if [ -n "$PG_OWNER" ] && ! as_pg test -x "$SVC" 2>/dev/null; then
    die "the $PG_OWNER user cannot reach $SVC (a parent folder is not world-executable); set PARLEY_DATA to a folder it can reach"
  fi
  if [ -f "$PG_DATA/PG_VERSION" ] && [ -n "$PG_OWNER" ]; then
    PG_OWNER="$(stat -c %U "$PG_DATA")"
    [ "$PG_OWNER" != root ] || die "$PG_DATA belongs to root; PostgreSQL refuses to run as root (chown -R postgres: it)"
  fi
  if [ ! -f "$PG_DATA/PG_VERSION" ] && [ -n "$(ls -A "$PG_DATA" 2>/dev/null)" ]; then
    warn "$PG_DATA holds an unfinished initdb (no PG_VERSION): initialising it again"
    find "$PG_DATA" -mindepth 1 -delete
  fi
  touch "$PG_LOG"
}

pg_port() { sed -n 4p "$PG_DATA/postmaster.pid" 2>/dev/null | tr -dc '0-9'; }

pg_running() {
  [ -f "$PG_DATA/postmaster.pid" ] || return 1
  local pid; pid="$(read_pid "$PG_DATA/postmaster.pid")"
  pid_alive "$pid"
}

pg_start() {
  local port="$1" fresh=0 try
  pg_setup_owner
  if persistent; then pg_prepare_persistent; else pg_prepare_ephemeral; fi
  pg_ensure_bin
  pg_resolve
  pg_prepare_socket
  chmod 700 "$PGD"
  [ -z "$PG_OWNER" ] || chown "$PG_OWNER:" "$PGD" "$PGL"

  if [ ! -f "$PGD/PG_VERSION" ]; then
    # superuser 'postgres' for local (socket) admin; the app connects over TCP with a password
    as_pg "$PG_BIN/initdb" -D "$PGD" -U postgres -E UTF8 --locale=C \
        --auth-local=trust --auth-host=scram-sha-256 >>"$PGL" 2>&1 \
      || fail_with_log "initdb failed" "$PG_LOG"
    fresh=1
  fi
  # settings live in services.conf, rewritten at every start; postgresql.conf only includes it
  if ! grep -qxF "include_if_exists = 'services.conf'" "$PGD/postgresql.conf"; then
    printf "\n# --- scripts/services.sh: settings in services.conf, rewritten at every start ---\ninclude_if_exists = 'services.conf'\n" \
      >>"$PGD/postgresql.conf"
  fi
  local durable="fsync = off
synchronous_commit = off
full_page_writes = off"
  # kept data: every acknowledged commit survives a SIGKILL (synchronous_commit), and an OS crash (fsync)
  persistent && durable="fsync = on
synchronous_commit = on
full_page_writes = on"
  cat >"$PGD/services.conf" <<EOF
# generated by scripts/services.sh ($MODE) at every start; edits are lost
listen_addresses = '127.0.0.1'
unix_socket_directories = '$PG_SOCK'
max_connections = 200
$durable
log_min_messages = warning
EOF
  [ -z "$PG_OWNER" ] || chown "$PG_OWNER:" "$PGD/services.conf"

  # after a SIGKILL the old postmaster (and its backends) take a moment to go away
  local old; old="$(read_pid "$PGD/postmaster.pid")"
  if [ -n "$old" ] && pid_alive "$old"; then
    wait_gone "$old" 15 || die "an old postmaster (pid $old) still runs on $PGD"
  fi
  for try in 1 2 3 4 5; do
    if as_pg "$PG_BIN/pg_ctl" -D "$PGD" -l "$PGL" -o "-p $port" -w -t "$TIMEOUT" -s start \
         </dev/null >>"$PGL" 2>&1 8>&- 9>&-; then
      break
    fi
    # killed backends may still hold the old shared memory for a moment
    if [ "$try" -lt 5 ] && tail -n 20 "$PG_LOG" | grep -q "pre-existing shared memory block"; then
      sleep 1; continue
    fi
    fail_with_log "PostgreSQL failed to start on port $port" "$PG_LOG"
  done
  wait_until "$TIMEOUT" PostgreSQL "$PG_LOG" "" \
    "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$port" -d postgres

  "$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$PG_SOCK" -p "$port" -U postgres -d postgres >>"$PGL" 2>&1 <<'SQL' \
    || fail_with_log "could not create role/database parley" "$PG_LOG"
SELECT 'CREATE ROLE parley LOGIN SUPERUSER PASSWORD ''parley'''
 WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'parley') \gexec
SELECT 'CREATE DATABASE parley OWNER parley'
 WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = 'parley') \gexec
SQL
  if ! persistent; then
    # The test suite runs in two JVMs (Surefire forks), each with a database of its own: parley_1, parley_2.
    for fork in 1 2; do
      echo "CREATE DATABASE parley_$fork OWNER parley" | "$PG_BIN/psql" -X -q -h "$PG_SOCK" -p "$port" -U postgres \
        -d postgres >>"$PGL" 2>&1 || fail_with_log "could not create database parley_$fork" "$PG_LOG"
    done
  fi

  read_pid "$PGD/postmaster.pid" >"$PG_PID"
  echo "$port" >"$PG_PORT_FILE"
  local what="new cluster"; [ "$fresh" = 1 ] || what="kept cluster"
  log "PostgreSQL $("$PG_BIN/postgres" --version | awk '{print $3}') started: 127.0.0.1:$port db=parley user=parley (pid $(cat "$PG_PID"), $what $PGD)"
}

pg_stop() {
  local pid
  pg_resolve
  if pg_running; then
    pg_setup_owner
    [ -z "$PG_OWNER" ] || PG_OWNER="$(stat -c %U "$PGD")"
    pg_find_bin || true
    pid="$(read_pid "$PGD/postmaster.pid")"
    if [ -z "$PG_BIN" ] || ! as_pg "$PG_BIN/pg_ctl" -D "$PGD" -m fast -w -t 30 -s stop </dev/null >/dev/null 2>&1; then
      kill -KILL "$pid" 2>/dev/null || true
    fi
    wait_gone "$pid" 15 || warn "postmaster $pid did not exit"
    log "PostgreSQL stopped (pid $pid)"
  else
    pid="$(read_pid "$PG_PID")"
    if [ -n "$pid" ] && pid_is "$pid" "postgres"; then
      kill -INT "$pid" 2>/dev/null || true    # SIGINT = fast shutdown
      stop_pid_wait PostgreSQL "$pid"
    fi
  fi
  rm -f "$PG_PID" "$PG_PORT_FILE"
  if persistent; then rm -rf "$PG_SOCK"; else pg_remove_dirs; fi
}

# psql as superuser on the running cluster of this state dir
pg_psql() {
  "$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$PG_SOCK" -p "$(pg_port)" -U postgres "$@"
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

emq_fetch_locked() {
  local ver marker
  ver="$(emq_version)"
  marker="$EMQ_LIB/.complete-$ver"
  [ -f "$marker" ] && return 0
  command -v mvn >/dev/null 2>&1 || apt_install maven
  log "fetching ElasticMQ $ver classpath (mvn dependency:copy-dependencies)"
  rm -rf "$EMQ_LIB"
  mvn -B -q -Dstyle.color=never -f "$EMQ_VERSION_POM" dependency:copy-dependencies \
      -DoutputDirectory="$EMQ_LIB" </dev/null >"$TOOLS/elasticmq-fetch.log" 2>&1 \
    || fail_with_log "could not fetch ElasticMQ $ver from Maven Central" "$TOOLS/elasticmq-fetch.log"
  ls "$EMQ_LIB"/elasticmq-server_*.jar >/dev/null 2>&1 \
    || fail_with_log "ElasticMQ jars missing after fetch" "$TOOLS/elasticmq-fetch.log"
  touch "$marker"
}
emq_fetch() { with_tools_lock emq_fetch_locked || exit 1; }

emq_list() { curl -fsS -m "${2:-2}" "http://127.0.0.1:$1/?Action=ListQueues&Version=2012-11-05"; }
emq_ready() { emq_list "$1" | grep -q ListQueuesResponse; }

emq_running() { pid_is "$(read_pid "$EMQ_PID")" "org.elasticmq.server.Main"; }

# emq_launch <port>: spawn (no wait); emq_await <port>: wait until it answers
EMQ_RESTORE=0
emq_launch() {
  local port="$1" pid storage=""
  find_java || { apt_install openjdk-17-jre-headless; find_java; } || die "no java >= 11 found"
  emq_fetch
  if persistent; then
    # queues and messages in H2 (elasticmq-persistence-sql). WRITE_DELAY=0: every acknowledged
    # send/receive/delete is written before the answer, so it survives a SIGKILL; RETENTION_TIME
    # keeps the file small under load. Never RETENTION_TIME=0 (loses everything on a clean stop).
    case "$EMQ_DB" in *';'*) die "ElasticMQ cannot keep its data under a path with ';' ($EMQ_DB)" ;; esac
    mkdir -p "$(dirname "$EMQ_DB")"
    [ ! -f "$EMQ_DB.mv.db" ] || EMQ_RESTORE=1
    storage="messages-storage {
  enabled = true
  uri = \"jdbc:h2:$EMQ_DB;WRITE_DELAY=0;RETENTION_TIME=1000\"
}"
  fi
  cat >"$EMQ_CONF" <<EOF
# generated by scripts/services.sh ($MODE)
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
$storage
EOF
  # shellcheck disable=SC2086
  pid="$(spawn "$EMQ_LOG" "$JAVA" ${ELASTICMQ_JAVA_OPTS:--Xms64m -Xmx384m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xss1m} \
           -Dconfig.file="$EMQ_CONF" -cp "$EMQ_LIB/*" org.elasticmq.server.Main)"
  echo "$pid" >"$EMQ_PID"
}

emq_await() {
  local port="$1" pid; pid="$(read_pid "$EMQ_PID")"
  wait_until "$TIMEOUT" ElasticMQ "$EMQ_LOG" "$pid" emq_ready "$port"
  if [ "$EMQ_RESTORE" = 1 ]; then
    # kept queues are restored just after the port opens: give it up to 2 s to list them
    for _ in $(seq 1 20); do emq_list "$port" | grep -q '<QueueUrl>' && break; sleep 0.1; done
  fi
  echo "$port" >"$EMQ_PORT_FILE"
  local where="in memory"; persistent && where="data $EMQ_DB.mv.db"
  log "SQS (ElasticMQ $(emq_version)) started: http://127.0.0.1:$port (pid $pid, java $(java_major "$JAVA"), $where)"
}

# ---------------------------------------------------------------------------
# npm-installed emulators: dynalite (DynamoDB) and s3rver (S3)
# ---------------------------------------------------------------------------

node_major() { node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }

# npm_install_locked <name> <package.json folder> <install folder> <file that proves the install>
npm_install_locked() {
  local name="$1" src="$2" dir="$3" proof="$4"
  mkdir -p "$dir"
  if [ -f "$dir/$proof" ] \
     && cmp -s "$src/package.json" "$dir/package.json" \
     && { [ ! -f "$src/package-lock.json" ] || cmp -s "$src/package-lock.json" "$dir/package-lock.json"; }; then
    return 0
  fi
  log "installing $name (npm) into $dir"
  rm -rf "$dir/node_modules"
  cp "$src/package.json" "$dir/"
  local cmd=install
  if [ -f "$src/package-lock.json" ]; then cp "$src/package-lock.json" "$dir/"; cmd=ci; fi
  # --ignore-scripts: classic-level (dynalite's LevelDB) ships linux prebuilds; s3rver has no scripts
  npm "$cmd" --prefix "$dir" --no-audit --no-fund --ignore-scripts --loglevel=error \
      </dev/null >"$TOOLS/$name-install.log" 2>&1 \
    || fail_with_log "npm $cmd of $name failed" "$TOOLS/$name-install.log"
  [ -f "$dir/$proof" ] || fail_with_log "$name missing after npm $cmd" "$TOOLS/$name-install.log"
}

npm_install() {
  command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 || apt_install nodejs npm
  local nm; nm="$(node_major)"
  [ "$nm" -ge 18 ] || die "node >= 18 required for dynalite (found $(node --version 2>/dev/null || echo none))"
  [ "$nm" -ge 20 ] || warn "dynalite 4 declares node >= 20; found $(node --version)"
  with_tools_lock npm_install_locked "$@" || exit 1
}

dyn_ready() {
  # ListTables scans every key of a kept LevelDB: allow it time
  curl -fsS -m 10 -X POST "http://127.0.0.1:$1/" \
    -H 'Content-Type: application/x-amz-json-1.0' \
    -H 'X-Amz-Target: DynamoDB_20120810.ListTables' \
    -H 'X-Amz-Date: 20240101T000000Z' \
    -H 'Authorization: AWS4-HMAC-SHA256 Credential=local/20240101/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=0' \
    -d '{}' | grep -q TableNames
}

dyn_running() { pid_is "$(read_pid "$DYN_PID")" "dynalite/cli.js"; }

dyn_launch() {
  local port="$1" pid path=()
  npm_install dynalite "$DYN_SRC" "$DYN_DIR" node_modules/dynalite/cli.js
  # persistent: LevelDB under --path (every acknowledged write survives a SIGKILL); else in memory
  if persistent; then
    mkdir -p "$DYN_DATA"; path=(--path "$DYN_DATA")
    # a table killed between CreateTable and ACTIVE would stay CREATING forever: mark it ACTIVE
    if [ -f "$DYN_DATA/CURRENT" ]; then
      (cd "$DYN_DIR" && node "$DYN_SRC/repair-tables.js" "$DYN_DATA") >>"$DYN_LOG.repair" 2>&1 \
        || fail_with_log "could not check dynalite's kept tables" "$DYN_LOG.repair"
      [ ! -s "$DYN_LOG.repair" ] || sed 's/^/[services] /' "$DYN_LOG.repair"
      rm -f "$DYN_LOG.repair"
    fi
  fi
  pid="$(spawn "$DYN_LOG" node "$DYN_DIR/node_modules/dynalite/cli.js" --host 127.0.0.1 --port "$port" \
           "${path[@]}" --createTableMs 0 --deleteTableMs 0 --updateTableMs 0)"
  echo "$pid" >"$DYN_PID"
}

dyn_await() {
  local port="$1" pid; pid="$(read_pid "$DYN_PID")"
  wait_until "$TIMEOUT" dynalite "$DYN_LOG" "$pid" dyn_ready "$port"
  echo "$port" >"$DYN_PORT_FILE"
  local where="in memory"; persistent && where="data $DYN_DATA"
  log "DynamoDB (dynalite $(node -p "require('$DYN_DIR/node_modules/dynalite/package.json').version")) started: http://127.0.0.1:$port (pid $pid, $where)"
}

# any HTTP answer will do (anonymous requests get an S3 error document)
s3_ready() { [ "$(curl -sS -m 2 -o /dev/null -w '%{http_code}' "http://127.0.0.1:$1/")" != 000 ]; }

s3_running() { pid_is "$(read_pid "$S3_PID")" "s3rver/bin/s3rver.js"; }

s3_launch() {
  local port="$1" pid
  npm_install s3rver "$S3_SRC" "$S3_DIR" node_modules/s3rver/bin/s3rver.js
  persistent || rm -rf "$S3_DATA"
  mkdir -p "$S3_DATA"
  # path-style and vhost (<bucket>.localhost) both work; it accepts access key S3RVER, secret S3RVER
  pid="$(spawn "$S3_LOG" node "$S3_DIR/node_modules/s3rver/bin/s3rver.js" -d "$S3_DATA" \
           -a 127.0.0.1 -p "$port" --silent)"
  echo "$pid" >"$S3_PID"
}

s3_await() {
  local port="$1" pid; pid="$(read_pid "$S3_PID")"
  wait_until "$TIMEOUT" s3rver "$S3_LOG" "$pid" s3_ready "$port"
  echo "$port" >"$S3_PORT_FILE"
  log "S3 (s3rver $(node -p "require('$S3_DIR/node_modules/s3rver/package.json').version")) started: http://127.0.0.1:$port (pid $pid, data $S3_DATA)"
}

# The Stripe emulator: compiled once per change of its sources, in memory (its state goes with it).
stripe_wanted() { ! persistent || [ "${BILLING:-0}" = 1 ]; }
stripe_running() { pid_is "$(read_pid "$STRIPE_PID")" "StripeEmulator"; }
stripe_launch() {
  local jdk pid
  jdk="$("$ROOT/scripts/find-jdk.sh")"
  if [ ! -f "$STRIPE_CLASSES/StripeEmulator.class" ] \
     || [ -n "$(find "$STRIPE_SRC" -name '*.java' -newer "$STRIPE_CLASSES/StripeEmulator.class")" ]; then
    rm -rf "$STRIPE_CLASSES"; mkdir -p "$STRIPE_CLASSES"
    "$jdk/bin/javac" -nowarn -d "$STRIPE_CLASSES" "$STRIPE_SRC"/*.java
  fi
  rm -f "$STRIPE_PORT_FILE"
  local forward=()
  persistent && forward=(--forward-to "${STRIPE_FORWARD_TO:-http://127.0.0.1:8080/v1/billing/stripe-webhook}")
  pid="$(spawn "$STRIPE_LOG" "$jdk/bin/java" -Xmx96m -XX:TieredStopAtLevel=1 -cp "$STRIPE_CLASSES" StripeEmulator \
           --port 0 --port-file "$STRIPE_PORT_FILE" --webhook-secret "$STRIPE_WEBHOOK_SECRET" "${forward[@]}")"
  echo "$pid" >"$STRIPE_PID"
  wait_until "$TIMEOUT" "Stripe emulator" "$STRIPE_LOG" "$pid" test -s "$STRIPE_PORT_FILE"
  log "Stripe emulator started: http://127.0.0.1:$(cat "$STRIPE_PORT_FILE") (pid $pid, in memory)"
}

# ---------------------------------------------------------------------------
# commands
# ---------------------------------------------------------------------------

write_env() {
  local pg sqs ddb s3 tmp
  pg="$(cat "$PG_PORT_FILE")"; sqs="$(cat "$EMQ_PORT_FILE")"; ddb="$(cat "$DYN_PORT_FILE")"; s3="$(cat "$S3_PORT_FILE")"
  tmp="$(mktemp "$SVC/.env.XXXXXX")"
  cat >"$tmp" <<EOF
export QUARKUS_DATASOURCE_REACTIVE_URL=postgresql://127.0.0.1:$pg/parley
export QUARKUS_DATASOURCE_JDBC_URL=jdbc:postgresql://127.0.0.1:$pg/parley
export QUARKUS_DATASOURCE_USERNAME=parley
export QUARKUS_DATASOURCE_PASSWORD=parley
export QUARKUS_SQS_ENDPOINT_OVERRIDE=http://127.0.0.1:$sqs
export QUARKUS_DYNAMODB_ENDPOINT_OVERRIDE=http://127.0.0.1:$ddb
export QUARKUS_S3_ENDPOINT_OVERRIDE=http://127.0.0.1:$s3
export QUARKUS_S3_PATH_STYLE_ACCESS=true
export QUARKUS_S3_AWS_REGION=us-east-1
export QUARKUS_S3_AWS_CREDENTIALS_TYPE=static
export QUARKUS_S3_AWS_CREDENTIALS_STATIC_PROVIDER_ACCESS_KEY_ID=S3RVER
export QUARKUS_S3_AWS_CREDENTIALS_STATIC_PROVIDER_SECRET_ACCESS_KEY=S3RVER
export PARLEY_SERVICES_PG_PORT=$pg
export PARLEY_SERVICES_SQS_PORT=$sqs
export PARLEY_SERVICES_DYNAMODB_PORT=$ddb
export PARLEY_SERVICES_S3_PORT=$s3
EOF
  if stripe_running && [ -s "$STRIPE_PORT_FILE" ]; then
    cat >>"$tmp" <<EOF
export STRIPE_EMULATOR_URL=http://127.0.0.1:$(cat "$STRIPE_PORT_FILE")
export STRIPE_EMULATOR_WEBHOOK_SECRET=$STRIPE_WEBHOOK_SECRET
EOF
    if persistent; then
      cat >>"$tmp" <<EOF
export PARLEY_BILLING_ENABLED=true
export PARLEY_BILLING_STRIPE_API_BASE=http://127.0.0.1:$(cat "$STRIPE_PORT_FILE")
export PARLEY_BILLING_STRIPE_WEBHOOK_SECRET=$STRIPE_WEBHOOK_SECRET
EOF
    fi
  fi
  chmod 644 "$tmp"
  mv -f "$tmp" "$ENV_FILE"
}

# Serialises concurrent start/stop on one state dir (e.g. parallel make). fd 9 must not leak into
# the services (they would hold the lock forever): every spawn closes it (9>&-).
lock() {
  mkdir -p "$SVC"
  if command -v flock >/dev/null; then
    exec 9>"$SVC/.lock"
    flock -w "${1:-600}" 9 || { warn "could not lock $SVC/.lock within ${1:-600}s"; return 1; }
  fi
}

# A state dir keeps the mode it was first used with: an ephemeral start must never wipe kept data.
check_mode() {
  local was=""
  [ -f "$MARKER" ] && was="$(head -n1 "$MARKER")"
  if [ -n "$was" ] && [ "$was" != "$MODE" ]; then
    die "$SVC holds $was services; refusing to use it as $MODE (pick another --state)"
  fi
  if [ -z "$was" ] && persistent && [ -n "$(ls -A "$SVC" | grep -v '^\.lock$' || true)" ]; then
    die "$SVC is not empty and was not made by scripts/services.sh; refusing to keep data in it"
  fi
  echo "$MODE" >"$MARKER"
}

owner_alive() {
  local pid start
  [ -s "$OWNER_FILE" ] || return 1
  read -r pid start <"$OWNER_FILE" || true
  pid_alive "$pid" || return 1
  [ -z "$start" ] || [ "$(proc_start "$pid")" = "$start" ]
}
proc_start() { awk '{print $22}' "/proc/$1/stat" 2>/dev/null || true; }
owner_pid() { [ -s "$OWNER_FILE" ] && awk '{print $1; exit}' "$OWNER_FILE" || true; }

# Persistent: one owner at a time; a dead owner's leftovers are stopped before starting again.
claim_owner() {
  local me="${SERVICES_OWNER:-$PPID}"
  if owner_alive && [ "$(owner_pid)" != "$me" ]; then
    die "the services of $SVC belong to a running process (pid $(owner_pid): $(tr '\0' ' ' </proc/"$(owner_pid)"/cmdline 2>/dev/null | cut -c1-80)); is another 'make run' using this data? Stop it first, or pick another PARLEY_DATA"
  fi
  if ! owner_alive && { any_running || [ -s "$OWNER_FILE" ]; }; then
    log "the previous owner of $SVC is gone: stopping its leftover services"
    stop_all
  fi
  printf '%s %s\n' "$me" "$(proc_start "$me")" >"$OWNER_FILE"
}

any_running() {
  pg_running || emq_running || dyn_running || s3_running \
    || [ -n "$(orphans org.elasticmq.server.Main)$(orphans dynalite/cli.js)$(orphans s3rver.js)$(pg_orphans)" ]
}

cmd_start() {
  lock || die "another scripts/services.sh seems stuck"
  check_mode
  persistent && claim_owner
  command -v curl >/dev/null 2>&1 || apt_install curl ca-certificates
  # the emulators boot in the background while PostgreSQL initialises
  local emq_port="" dyn_port="" s3_port=""
  if emq_running && [ -s "$EMQ_PORT_FILE" ]; then
    log "SQS (ElasticMQ) already running: http://127.0.0.1:$(cat "$EMQ_PORT_FILE") (pid $(read_pid "$EMQ_PID"))"
  else
    stop_pid ElasticMQ "$EMQ_PID" "org.elasticmq.server.Main"
    reuse_or_free_port "$EMQ_PORT_FILE"; emq_port="$FREE_PORT"; emq_launch "$emq_port"
  fi
  if dyn_running && [ -s "$DYN_PORT_FILE" ]; then
    log "DynamoDB (dynalite) already running: http://127.0.0.1:$(cat "$DYN_PORT_FILE") (pid $(read_pid "$DYN_PID"))"
  else
    stop_pid dynalite "$DYN_PID" "dynalite/cli.js"
    reuse_or_free_port "$DYN_PORT_FILE"; dyn_port="$FREE_PORT"; dyn_launch "$dyn_port"
  fi
  if s3_running && [ -s "$S3_PORT_FILE" ]; then
    log "S3 (s3rver) already running: http://127.0.0.1:$(cat "$S3_PORT_FILE") (pid $(read_pid "$S3_PID"))"
  else
    stop_pid s3rver "$S3_PID" "s3rver/bin/s3rver.js"
    reuse_or_free_port "$S3_PORT_FILE"; s3_port="$FREE_PORT"; s3_launch "$s3_port"
  fi
  if pg_running && [ -n "$(pg_port)" ]; then
    pg_port >"$PG_PORT_FILE"
    read_pid "$PG_DATA/postmaster.pid" >"$PG_PID"
    log "PostgreSQL already running: 127.0.0.1:$(pg_port) (pid $(read_pid "$PG_PID"))"
  else
    persistent || { pg_stop >/dev/null 2>&1 || true; }
    free_port; pg_start "$FREE_PORT"
  fi
  [ -z "$emq_port" ] || emq_await "$emq_port"
  [ -z "$dyn_port" ] || dyn_await "$dyn_port"
  [ -z "$s3_port" ] || s3_await "$s3_port"
  if stripe_wanted; then
    if stripe_running && [ -s "$STRIPE_PORT_FILE" ]; then
      log "Stripe emulator already running: http://127.0.0.1:$(cat "$STRIPE_PORT_FILE") (pid $(read_pid "$STRIPE_PID"))"
    else
      stop_pid "Stripe emulator" "$STRIPE_PID" "StripeEmulator"; stripe_launch
    fi
  fi
  write_env
  log "env written to ${ENV_FILE#"$ROOT"/} (source it: . ${ENV_FILE#"$ROOT"/})"
}

# stops this state dir's services (and, ephemeral, deletes their data); never fails
stop_all() {
  local dpid epid spid tpid pid left=""
  dpid="$(stop_pid_begin "$DYN_PID" "dynalite/cli.js")"
  epid="$(stop_pid_begin "$EMQ_PID" "org.elasticmq.server.Main")"
  spid="$(stop_pid_begin "$S3_PID" "s3rver/bin/s3rver.js")"
  tpid="$(stop_pid_begin "$STRIPE_PID" "StripeEmulator")"
  pg_stop
  stop_pid_wait dynalite "$dpid"
  stop_pid_wait ElasticMQ "$epid"
  stop_pid_wait s3rver "$spid"
  stop_pid_wait "Stripe emulator" "$tpid"
  # leftovers whose pid files are gone (e.g. the state dir deleted while they ran)
  for pid in $(orphans org.elasticmq.server.Main) $(orphans dynalite/cli.js) $(orphans s3rver.js); do
    kill -TERM "$pid" 2>/dev/null && left="$left $pid"
  done
  for pid in $(pg_orphans); do   # postmaster: SIGINT = fast shutdown
    kill -INT "$pid" 2>/dev/null && left="$left $pid"
  done
  for pid in $left; do stop_pid_wait "leftover process" "$pid"; done
  rm -f "$ENV_FILE" "$EMQ_PORT_FILE" "$DYN_PORT_FILE" "$S3_PORT_FILE" "$STRIPE_PORT_FILE" "$EMQ_CONF" "$OWNER_FILE"
  persistent || rm -rf "$S3_DATA"
  return 0
}

cmd_stop() {
  # never fails: safe in a Makefile trap / EXIT handler
  set +e
  lock 60 || warn "stopping without the lock"
  if [ -f "$MARKER" ] && [ "$(head -n1 "$MARKER")" != "$MODE" ]; then
    warn "$SVC holds $(head -n1 "$MARKER") services: stopping them as such"
    MODE="$(head -n1 "$MARKER")"
  fi
  # a refused second `make run` must not stop the first one's services in its EXIT trap
  if persistent && owner_alive && [ "$(owner_pid)" != "${SERVICES_OWNER:-$PPID}" ]; then
    log "not stopping the services of $SVC: they belong to pid $(owner_pid)"
    exit 0
  fi
  stop_all
  persistent && [ -d "$PG_DATA" ] && log "data kept in $SVC"
  exit 0
}

cmd_status() {
  local ok=0
  log "state $SVC ($MODE)"
  if pg_running; then log "PostgreSQL  running  127.0.0.1:$(pg_port) pid $(read_pid "$PG_DATA/postmaster.pid")"
  else log "PostgreSQL  stopped"; ok=3; fi
  if emq_running; then log "ElasticMQ   running  http://127.0.0.1:$(cat "$EMQ_PORT_FILE" 2>/dev/null || echo '?') pid $(read_pid "$EMQ_PID")"
  else log "ElasticMQ   stopped"; ok=3; fi
  if dyn_running; then log "dynalite    running  http://127.0.0.1:$(cat "$DYN_PORT_FILE" 2>/dev/null || echo '?') pid $(read_pid "$DYN_PID")"
  else log "dynalite    stopped"; ok=3; fi
  if s3_running; then log "s3rver      running  http://127.0.0.1:$(cat "$S3_PORT_FILE" 2>/dev/null || echo '?') pid $(read_pid "$S3_PID")"
  else log "s3rver      stopped"; ok=3; fi
  if stripe_running; then log "Stripe emu  running  http://127.0.0.1:$(cat "$STRIPE_PORT_FILE" 2>/dev/null || echo '?') pid $(read_pid "$STRIPE_PID")"
  elif stripe_wanted; then log "Stripe emu  stopped"; ok=3; fi
  if owner_alive; then log "owner: pid $(owner_pid)"; fi
  [ -f "$ENV_FILE" ] && log "env: ${ENV_FILE#"$ROOT"/}"
  return "$ok"
}

# A new API token for the demo account, written straight to PostgreSQL in the shape TokenService
# gives tokens: "prl_" + 32 random bytes base64url (no padding), stored as the hex SHA-256 of the
# token (TokenHasher), with its first 10 characters as prefix and an id from Ids.newId (8 hex digits
# of epoch seconds, 16 random). The demo account is the oldest one with DemoAccount's address.
cmd_token() {
  exec 3>&1 1>&2   # only the token on stdout
  persistent || die "token needs --persistent (a kept data directory)"
  [ -f "$PG_DATA/PG_VERSION" ] || die "no data in $SVC yet: run 'make run' once first"
  lock || die "another scripts/services.sh seems stuck"
  local started=0
  if ! pg_running; then
    if owner_alive; then die "the services of $SVC are starting or stopping (owner pid $(owner_pid)); try again"; fi
    log "starting PostgreSQL on $SVC for a moment"
    any_running && stop_all >/dev/null
    free_port; pg_start "$FREE_PORT" >/dev/null
    started=1
  fi
  pg_find_bin || die "PostgreSQL binaries for $PG_DATA not found"
  local token id hash out
  token="prl_$(head -c 32 /dev/urandom | base64 -w0 | tr '+/' '-_' | tr -d '=')"
  id="$(printf '%08x' "$(date +%s)")$(head -c 8 /dev/urandom | od -An -tx1 | tr -d ' \n')"
  hash="$(printf '%s' "$token" | sha256sum | cut -d' ' -f1)"
  out="$(pg_psql -d parley -At -v id="$id" -v hash="$hash" -v prefix="${token:0:10}" 2>&1 <<'SQL'
WITH demo AS (
  SELECT id FROM account WHERE email = 'demo@example.com' ORDER BY created_at, id LIMIT 1)
INSERT INTO api_token (id, account_id, name, token_hash, prefix, created_at)
SELECT :'id', demo.id, 'make token', :'hash', :'prefix', now() FROM demo
 WHERE (SELECT count(*) FROM api_token t WHERE t.account_id = demo.id AND t.revoked_at IS NULL) < 50
RETURNING account_id;
SQL
)" || { [ "$started" = 0 ] || pg_stop >/dev/null; die "could not write the token: $out"; }
  if [ "$started" = 1 ]; then pg_stop >/dev/null; rm -f "$OWNER_FILE"; fi
  if [ -z "$out" ]; then
    die "no demo account in $SVC, or it holds 50 active tokens already (revoke some with DELETE /v1/tokens/{id})"
  fi
  log "new token 'make token' for the demo account $out (older tokens stay valid)"
  printf 'export TOKEN=%s\n' "$token" >&3
}

# Persistent: delete the state dir, never while its owner runs. The Makefile asks first.
cmd_wipe() {
  persistent || die "wipe needs --persistent"
  if [ ! -f "$MARKER" ]; then
    [ -z "$(ls -A "$SVC")" ] || die "$SVC was not made by scripts/services.sh; not deleting it"
  elif [ "$(head -n1 "$MARKER")" != persistent ]; then
    die "$SVC holds $(head -n1 "$MARKER") services, not kept data; not deleting it"
  fi
  lock || die "another scripts/services.sh seems stuck"
  if owner_alive; then die "$SVC is in use by pid $(owner_pid) (make run?): stop it first"; fi
  stop_all >/dev/null
  pg_setup_owner
  exec 9>&-
  rm -rf "$SVC" "$PG_TMP_BASE"
  log "deleted $SVC"
}

case "$CMD" in
  start)   cmd_start ;;
  stop)    cmd_stop ;;
  status)  cmd_status ;;
  restart) ( cmd_stop ); cmd_start ;;
  token)   cmd_token ;;
  wipe)    cmd_wipe ;;
  browser) cmd_browser ;;
  *) echo "usage: $0 start|stop|status|restart|token|wipe|browser [--state DIR] [--ephemeral|--persistent]" >&2; exit 2 ;;
esac
