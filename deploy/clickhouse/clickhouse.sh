#!/usr/bin/env bash
# Runs Debian's clickhouse-server on 127.0.0.1 without systemd, from a config and data dir of our own:
# clickhouse.sh install|start|stop|restart|status|wait|reset.
#
# Debian ships 18.16: the store keeps its SQL in the subset that this server and the embedded
# engine (chdb 26.x) both run. The package does not start the server (no systemd here), so this
# script writes a small config under $DIR, starts the server in the background with a pid file
# and a log, and waits until GET /ping answers.
#
# Environment (all optional):
#   BELLWETHER_CLICKHOUSE_DIR        config, data, pid and log  ($TMPDIR/bellwether-clickhouse)
#   BELLWETHER_CLICKHOUSE_HTTP_PORT  HTTP port                  (8123)
#   BELLWETHER_CLICKHOUSE_TCP_PORT   native protocol port       (9000)
#   BELLWETHER_CLICKHOUSE_WAIT_S     how long start/wait wait   (60)
#   BELLWETHER_CLICKHOUSE_BIN        server binary              (clickhouse-server on PATH or /usr/sbin)
set -euo pipefail

DIR="${BELLWETHER_CLICKHOUSE_DIR:-${TMPDIR:-/tmp}/bellwether-clickhouse}"
HTTP_PORT="${BELLWETHER_CLICKHOUSE_HTTP_PORT:-8123}"
TCP_PORT="${BELLWETHER_CLICKHOUSE_TCP_PORT:-9000}"
WAIT_S="${BELLWETHER_CLICKHOUSE_WAIT_S:-60}"
PID_FILE="$DIR/clickhouse.pid"
LOG_FILE="$DIR/clickhouse.log"
CONFIG="$DIR/config.xml"
USERS="$DIR/users.xml"
DATA="$DIR/data"

say() { printf 'clickhouse.sh: %s\n' "$*" >&2; }
die() {
  say "error: $*"
  exit 1
}

server_bin() {
  if [[ -n "${BELLWETHER_CLICKHOUSE_BIN:-}" ]]; then
    printf '%s' "$BELLWETHER_CLICKHOUSE_BIN"
  elif command -v clickhouse-server >/dev/null 2>&1; then
    command -v clickhouse-server
  elif [[ -x /usr/sbin/clickhouse-server ]]; then
    printf '%s' /usr/sbin/clickhouse-server
  else
    return 1
  fi
}

# apt-get needs root; a partly configured package is repaired by the same install command.
cmd_install() {
  if server_bin >/dev/null; then
    say "clickhouse-server already installed ($(server_bin))"
    return 0
  fi
  command -v apt-get >/dev/null 2>&1 || die "clickhouse-server is missing and apt-get is not available; install it by hand"
  local sudo=()
  if [[ "$(id -u)" -ne 0 ]]; then
    command -v sudo >/dev/null 2>&1 || die "installing clickhouse-server needs root (or sudo)"
    sudo=(sudo)
  fi
  say "installing Debian's clickhouse-server (apt-get update, then apt-get install)"
  if ! "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -q >"${TMPDIR:-/tmp}/bellwether-clickhouse-apt.log" 2>&1; then
    tail -n 20 "${TMPDIR:-/tmp}/bellwether-clickhouse-apt.log" >&2
    die "apt-get update failed"
  fi
  if ! "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q clickhouse-server \
    >>"${TMPDIR:-/tmp}/bellwether-clickhouse-apt.log" 2>&1; then
    tail -n 20 "${TMPDIR:-/tmp}/bellwether-clickhouse-apt.log" >&2
    die "apt-get install clickhouse-server failed"
  fi
  server_bin >/dev/null || die "apt-get finished but no clickhouse-server binary was found"
  say "installed $(server_bin)"
}

is_running() {
  [[ -f "$PID_FILE" ]] || return 1
  local pid
  pid="$(cat "$PID_FILE")"
  [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null
}

port_open() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# /ping answers "Ok." once the server accepts queries; bash's /dev/tcp avoids needing curl.
ping_ok() {
  local reply
  reply="$(
    {
      exec 3<>"/dev/tcp/127.0.0.1/$HTTP_PORT" &&
        printf 'GET /ping HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n' >&3 &&
        timeout 2 cat <&3
    } 2>/dev/null
  )" || return 1
  [[ "$reply" == *"Ok."* ]]
}

# Only what differs from the server's built-in defaults: loopback ports, our own paths, UTC, one open user.
write_config() {
  mkdir -p "$DIR" "$DATA" "$DATA/tmp" "$DATA/user_files"
  cat >"$CONFIG" <<EOF
<?xml version="1.0"?>
<yandex>
  <logger>
    <level>warning</level>
    <log>$DIR/server.log</log>
    <errorlog>$DIR/server.err.log</errorlog>
    <size>100M</size>
    <count>2</count>
  </logger>
  <listen_host>127.0.0.1</listen_host>
  <http_port>$HTTP_PORT</http_port>
  <tcp_port>$TCP_PORT</tcp_port>
  <max_concurrent_queries>50</max_concurrent_queries>
  <uncompressed_cache_size>268435456</uncompressed_cache_size>
  <mark_cache_size>268435456</mark_cache_size>
  <path>$DATA/</path>
  <tmp_path>$DATA/tmp/</tmp_path>
  <user_files_path>$DATA/user_files/</user_files_path>
  <users_config>$USERS</users_config>
  <default_profile>default</default_profile>
  <default_database>default</default_database>
  <timezone>UTC</timezone>
  <mlock_executable>false</mlock_executable>
</yandex>
EOF
  cat >"$USERS" <<'EOF'
<?xml version="1.0"?>
<yandex>
  <profiles>
    <default>
      <max_memory_usage>4000000000</max_memory_usage>
    </default>
  </profiles>
  <users>
    <default>
      <password></password>
      <networks>
        <ip>127.0.0.1</ip>
        <ip>::1</ip>
      </networks>
      <profile>default</profile>
      <quota>default</quota>
    </default>
  </users>
  <quotas>
    <default>
      <interval>
        <duration>3600</duration>
        <queries>0</queries>
        <errors>0</errors>
        <result_rows>0</result_rows>
        <read_rows>0</read_rows>
        <execution_time>0</execution_time>
      </interval>
    </default>
  </quotas>
</yandex>
EOF
}

cmd_start() {
  cmd_install
  if is_running; then
    say "already running (pid $(cat "$PID_FILE")), log $LOG_FILE"
    cmd_wait
    return 0
  fi
  if ping_ok; then
    say "a ClickHouse server not started by this script already answers on 127.0.0.1:$HTTP_PORT; using it"
    return 0
  fi
  if port_open "$HTTP_PORT" || port_open "$TCP_PORT"; then
    die "port $HTTP_PORT or $TCP_PORT is taken by another process; stop it or set BELLWETHER_CLICKHOUSE_HTTP_PORT/_TCP_PORT"
  fi
  write_config
  local bin
  bin="$(server_bin)"
  say "starting $bin on 127.0.0.1:$HTTP_PORT (data $DATA), log $LOG_FILE"
  # setsid detaches the server from the caller's process group, so a test runner exiting leaves it up.
  setsid "$bin" --config-file="$CONFIG" >"$LOG_FILE" 2>&1 </dev/null &
  echo $! >"$PID_FILE"
  cmd_wait
}

cmd_wait() {
  local deadline=$((SECONDS + WAIT_S))
  while ((SECONDS < deadline)); do
    if ping_ok; then
      say "ready on http://127.0.0.1:$HTTP_PORT"
      return 0
    fi
    if [[ -f "$PID_FILE" ]] && ! is_running; then
      tail -n 30 "$LOG_FILE" "$DIR/server.err.log" 2>/dev/null >&2 || true
      die "clickhouse-server exited (see $LOG_FILE and $DIR/server.err.log)"
    fi
    sleep 0.5
  done
  die "no answer from http://127.0.0.1:$HTTP_PORT/ping within ${WAIT_S}s (see $LOG_FILE)"
}

cmd_stop() {
  if ! is_running; then
    rm -f "$PID_FILE"
    say "not running"
    return 0
  fi
  local pid
  pid="$(cat "$PID_FILE")"
  say "stopping pid $pid"
  kill -TERM "$pid" 2>/dev/null || true
  local deadline=$((SECONDS + 30))
  while kill -0 "$pid" 2>/dev/null && ((SECONDS < deadline)); do
    sleep 0.2
  done
  if kill -0 "$pid" 2>/dev/null; then
    say "pid $pid ignored SIGTERM for 30s; sending SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$PID_FILE"
  say "stopped"
}

cmd_status() {
  if is_running && ping_ok; then
    say "running (pid $(cat "$PID_FILE")) on http://127.0.0.1:$HTTP_PORT"
  elif is_running; then
    say "process $(cat "$PID_FILE") is up but /ping does not answer yet"
    return 1
  elif ping_ok; then
    say "not started by this script, but a server answers on http://127.0.0.1:$HTTP_PORT"
  else
    say "not running"
    return 3
  fi
}

cmd_reset() {
  cmd_stop
  rm -rf "$DATA"
  say "removed $DATA"
}

case "${1:-}" in
install) cmd_install ;;
start) cmd_start ;;
stop) cmd_stop ;;
restart)
  cmd_stop
  cmd_start
  ;;
status) cmd_status ;;
wait) cmd_wait ;;
reset) cmd_reset ;;
*)
  echo "usage: $0 install|start|stop|restart|status|wait|reset" >&2
  exit 2
  ;;
esac
