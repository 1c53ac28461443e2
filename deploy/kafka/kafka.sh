#!/usr/bin/env bash
# Runs a single-node Apache Kafka (KRaft broker + controller) on 127.0.0.1 for development and tests,
# fetched with Maven into a local cache: kafka.sh fetch|start|stop|restart|status|wait|reset.
#
# Version choice: 4.2.0. Kafka 4 removed the protocol versions older than Kafka 2.1's (KIP-896), which
# could have cut off kafkajs 2.2.4; it does not: kafkajs negotiates versions with ApiVersions, and the
# newest versions it knows of the APIs it uses are all still served by 4.2. Checked with kafkajs 2.2.4
# against 4.2.0: the whole bus contract suite and a broker restart mid-stream pass
# (test/integration/bus-kafka.test.ts), idempotent producer and gzip included. So no fallback was
# needed; the contract suite passes on 3.9.1 as well, which is the one to use if a later pairing
# breaks: BELLWETHER_KAFKA_VERSION=3.9.1 (this script's logging setup serves both lines).
#
# Environment (all optional):
#   BELLWETHER_KAFKA_VERSION   broker version                 (default below)
#   BELLWETHER_KAFKA_CACHE     where jars are kept            (~/.cache/bellwether/kafka-<version>)
#   BELLWETHER_KAFKA_DIR       data, config, pid and log file ($TMPDIR/bellwether-kafka)
#   BELLWETHER_KAFKA_PORT      broker port                    (9092)
#   BELLWETHER_KAFKA_CONTROLLER_PORT  KRaft controller port   (19093: 9093 is Alertmanager's, which the
#                                                              alert tests run on this machine too)
#   BELLWETHER_KAFKA_HEAP      JVM heap                       (512m)
#   BELLWETHER_KAFKA_WAIT_S    how long start/wait wait       (90)
#   BELLWETHER_KAFKA_JVM_OPTS  extra JVM flags                (C1 only and the serial GC: a dev broker on
#                                                              a small, busy machine starts faster that way)
set -euo pipefail

readonly DEFAULT_VERSION=4.2.0
VERSION="${BELLWETHER_KAFKA_VERSION:-$DEFAULT_VERSION}"
SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
CACHE="${BELLWETHER_KAFKA_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/bellwether/kafka-$VERSION}"
LIBS="$CACHE/libs"
DIR="${BELLWETHER_KAFKA_DIR:-${TMPDIR:-/tmp}/bellwether-kafka}"
PORT="${BELLWETHER_KAFKA_PORT:-9092}"
CONTROLLER_PORT="${BELLWETHER_KAFKA_CONTROLLER_PORT:-19093}"
HEAP="${BELLWETHER_KAFKA_HEAP:-512m}"
WAIT_S="${BELLWETHER_KAFKA_WAIT_S:-90}"
read -r -a JVM_OPTS <<<"${BELLWETHER_KAFKA_JVM_OPTS:--XX:TieredStopAtLevel=1 -XX:+UseSerialGC}"
PID_FILE="$DIR/kafka.pid"
LOG_FILE="$DIR/kafka.log"
CONFIG="$DIR/server.properties"
DATA="$DIR/data"

say() { printf 'kafka.sh: %s\n' "$*" >&2; }
die() {
  say "error: $*"
  exit 1
}

need() {
  command -v "$1" >/dev/null 2>&1 || die "$1 is not installed ($2)"
}

# Maven copies the broker and its runtime dependencies; a marker file makes a half-finished fetch visible.
cmd_fetch() {
  if [[ -f "$LIBS/.complete" ]]; then
    say "kafka $VERSION already in $LIBS"
    return 0
  fi
  need java 'Java 17 or newer is required to run the broker'
  need mvn 'Maven is required to fetch the broker jars'
  local staging="$CACHE/libs.partial"
  rm -rf "$staging"
  mkdir -p "$CACHE"
  say "fetching kafka_2.13 $VERSION and its runtime dependencies with Maven into $LIBS"
  local started=$SECONDS
  if ! mvn -q -B -f "$SCRIPT_DIR/pom.xml" -Dkafka.version="$VERSION" \
    dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="$staging" \
    >"$CACHE/fetch.log" 2>&1; then
    tail -n 30 "$CACHE/fetch.log" >&2
    die "Maven could not fetch kafka $VERSION (full log: $CACHE/fetch.log)"
  fi
  [[ -f "$staging/kafka_2.13-$VERSION.jar" ]] || die "Maven finished but kafka_2.13-$VERSION.jar is missing"
  rm -rf "$LIBS"
  mv "$staging" "$LIBS"
  touch "$LIBS/.complete"
  say "fetched $(find "$LIBS" -name '*.jar' | wc -l) jars in $((SECONDS - started))s"
}

is_running() {
  [[ -f "$PID_FILE" ]] || return 1
  local pid
  pid="$(cat "$PID_FILE")"
  [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null || return 1
  # A stale pid file whose number now belongs to some other process does not count (right after the
  # fork the child is still this script, hence "kafka" rather than the main class).
  grep -qa 'kafka' "/proc/$pid/cmdline" 2>/dev/null || [[ ! -d /proc ]]
}

# The broker this script just forked: alive (and not a zombie) is enough. Its command line is not read,
# because while the child execs (bash, then setsid, then java) /proc/<pid>/cmdline reads empty for an
# instant; a start that polled in that instant once reported a healthy broker as not running.
child_alive() {
  local pid state
  pid="$(cat "$PID_FILE" 2>/dev/null)" || return 1
  [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null || return 1
  state="$(sed 's/.*) //' "/proc/$pid/stat" 2>/dev/null | cut -d ' ' -f 1)"
  [[ "$state" != Z ]]
}

port_open() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

java_major() {
  java -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -n 1
}

write_config() {
  mkdir -p "$DIR" "$DATA"
  # Small, test-friendly settings: one replica everywhere, no rebalance delay, few internal partitions.
  cat >"$CONFIG" <<EOF
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$CONTROLLER_PORT
listeners=PLAINTEXT://127.0.0.1:$PORT,CONTROLLER://127.0.0.1:$CONTROLLER_PORT
advertised.listeners=PLAINTEXT://127.0.0.1:$PORT
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
log.dirs=$DATA
num.partitions=1
auto.create.topics.enable=false
offsets.topic.replication.factor=1
offsets.topic.num.partitions=10
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
group.initial.rebalance.delay.ms=0
log.retention.hours=24
# Room for the odd huge feed item (the malformed fixture carries a 1 MB body).
message.max.bytes=10485760
replica.fetch.max.bytes=10485760
num.network.threads=2
num.io.threads=4
EOF
  # Both 3.x and 4.x log through SLF4J, bound to log4j2 by the pom, so one log4j2 config serves both.
  cat >"$DIR/log4j2.properties" <<'EOF'
status = warn
appender.out.type = Console
appender.out.name = out
appender.out.layout.type = PatternLayout
appender.out.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = info
rootLogger.appenderRef.out.ref = out
logger.request.name = kafka.request.logger
logger.request.level = warn
logger.state.name = state.change.logger
logger.state.level = warn
EOF
}

log_opts() {
  printf '%s' "-Dlog4j2.configurationFile=$DIR/log4j2.properties"
}

run_java() {
  java "-Xmx$HEAP" "-Xms$HEAP" "${JVM_OPTS[@]}" -Djava.awt.headless=true "$(log_opts)" -cp "$LIBS/*" "$@"
}

format_storage() {
  if [[ -f "$DATA/meta.properties" ]]; then
    return 0
  fi
  local cluster_id
  if [[ -f "$DIR/cluster.id" ]]; then
    cluster_id="$(cat "$DIR/cluster.id")"
  else
    cluster_id="$(run_java kafka.tools.StorageTool random-uuid 2>/dev/null | tail -n 1)"
    [[ -n "$cluster_id" ]] || die "could not generate a cluster id"
    printf '%s\n' "$cluster_id" >"$DIR/cluster.id"
  fi
  say "formatting KRaft storage in $DATA (cluster $cluster_id)"
  if ! run_java kafka.tools.StorageTool format -t "$cluster_id" -c "$CONFIG" >"$DIR/format.log" 2>&1; then
    cat "$DIR/format.log" >&2
    die "formatting storage failed"
  fi
}

cmd_start() {
  cmd_fetch
  local major
  major="$(java_major)"
  [[ -n "$major" && "$major" -ge 17 ]] || die "Java 17 or newer is required (found: ${major:-unknown})"
  if is_running; then
    say "already running (pid $(cat "$PID_FILE")), log $LOG_FILE"
    cmd_wait
    return 0
  fi
  if port_open "$PORT" || port_open "$CONTROLLER_PORT"; then
    die "port $PORT or $CONTROLLER_PORT is taken by another process; stop it or set BELLWETHER_KAFKA_PORT"
  fi
  write_config
  format_storage
  # The ready check reads the log, so each start gets a fresh one; the previous run's is kept beside it.
  if [[ -f "$LOG_FILE" ]]; then mv -f "$LOG_FILE" "$LOG_FILE.1"; fi
  say "starting kafka $VERSION on 127.0.0.1:$PORT (controller :$CONTROLLER_PORT, heap $HEAP), log $LOG_FILE"
  # setsid detaches the broker from the caller's process group, so a test runner exiting leaves it up.
  setsid java "-Xmx$HEAP" "-Xms$HEAP" "${JVM_OPTS[@]}" -Djava.awt.headless=true "$(log_opts)" \
    -cp "$LIBS/*" kafka.Kafka "$CONFIG" >"$LOG_FILE" 2>&1 </dev/null &
  echo $! >"$PID_FILE"
  cmd_wait child_alive
}

# Ready means the broker logged that it started and its port accepts connections. The argument names the
# liveness check: is_running for a broker found running, child_alive for the one just started.
cmd_wait() {
  local alive="${1:-is_running}"
  local deadline=$((SECONDS + WAIT_S))
  while ((SECONDS < deadline)); do
    if ! "$alive"; then
      [[ -f "$LOG_FILE" ]] && tail -n 40 "$LOG_FILE" >&2
      die "kafka is not running (see $LOG_FILE)"
    fi
    if grep -q 'Kafka Server started' "$LOG_FILE" 2>/dev/null && port_open "$PORT"; then
      say "ready on 127.0.0.1:$PORT (pid $(cat "$PID_FILE"))"
      return 0
    fi
    sleep 0.5
  done
  tail -n 40 "$LOG_FILE" >&2
  die "kafka did not become ready within ${WAIT_S}s (see $LOG_FILE)"
}

cmd_stop() {
  if ! is_running; then
    rm -f "$PID_FILE"
    say "not running"
    return 0
  fi
  local pid
  pid="$(cat "$PID_FILE")"
  say "stopping kafka (pid $pid)"
  kill -TERM "$pid"
  local deadline=$((SECONDS + 45))
  while kill -0 "$pid" 2>/dev/null; do
    if ((SECONDS >= deadline)); then
      say "no clean exit after 45s; killing pid $pid"
      kill -KILL "$pid" 2>/dev/null || true
      break
    fi
    sleep 0.3
  done
  rm -f "$PID_FILE"
  say "stopped"
}

cmd_status() {
  if is_running; then
    echo "running pid=$(cat "$PID_FILE") version=$VERSION port=$PORT dir=$DIR"
  else
    echo "stopped version=$VERSION dir=$DIR"
    return 3
  fi
}

cmd_reset() {
  cmd_stop
  say "removing $DIR"
  rm -rf "$DIR"
}

case "${1:-}" in
  fetch) cmd_fetch ;;
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
    echo "usage: $(basename "$0") fetch|start|stop|restart|status|wait|reset" >&2
    exit 2
    ;;
esac
