#!/usr/bin/env bash
# Installs (Debian's package) and runs a single local Prometheus Alertmanager without systemd.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
state_dir="${BELLWETHER_ALERTMANAGER_DIR:-${TMPDIR:-/tmp}/bellwether-alertmanager}"
listen="${BELLWETHER_ALERTMANAGER_LISTEN:-127.0.0.1:9093}"
config="${BELLWETHER_ALERTMANAGER_CONFIG:-$here/alertmanager.yml}"
pid_file="$state_dir/alertmanager.pid"
log_file="$state_dir/alertmanager.log"
binary="prometheus-alertmanager"

usage() {
  echo "usage: $0 install|start|stop|status|wait [timeout-seconds]" >&2
  exit 2
}

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

install() {
  if command -v "$binary" >/dev/null 2>&1; then
    echo "alertmanager: $("$binary" --version 2>&1 | head -n 1)"
    return 0
  fi
  echo "alertmanager: installing Debian package prometheus-alertmanager" >&2
  # The package's postinst tries to start a service; without systemd that step is skipped.
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update -q
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
    prometheus-alertmanager
  command -v "$binary" >/dev/null 2>&1 || { echo "alertmanager: install failed" >&2; exit 1; }
}

running_pid() {
  [ -f "$pid_file" ] || return 1
  local pid
  pid="$(cat "$pid_file")"
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && echo "$pid"
}

ready() {
  curl -fsS --max-time 2 "http://$listen/-/ready" >/dev/null 2>&1
}

wait_ready() {
  local timeout="${1:-30}" waited=0
  until ready; do
    if [ "$waited" -ge $((timeout * 5)) ]; then
      echo "alertmanager: not ready after ${timeout}s; log tail:" >&2
      tail -n 20 "$log_file" >&2 2>/dev/null || true
      return 1
    fi
    if ! running_pid >/dev/null; then
      echo "alertmanager: process exited; log tail:" >&2
      tail -n 20 "$log_file" >&2 2>/dev/null || true
      return 1
    fi
    sleep 0.2
    waited=$((waited + 1))
  done
  echo "alertmanager: ready on http://$listen"
}

start() {
  if pid="$(running_pid)"; then
    echo "alertmanager: already running (pid $pid)"
    return 0
  fi
  if ready; then
    echo "alertmanager: something already serves http://$listen (not started by this script)"
    return 0
  fi
  command -v "$binary" >/dev/null 2>&1 || install
  mkdir -p "$state_dir/data"
  # An empty cluster address turns off gossip: one instance, no ports beyond the API.
  nohup "$binary" \
    --config.file="$config" \
    --storage.path="$state_dir/data" \
    --web.listen-address="$listen" \
    --cluster.listen-address= \
    >"$log_file" 2>&1 &
  echo $! >"$pid_file"
  wait_ready "${1:-30}"
}

stop() {
  local pid
  if ! pid="$(running_pid)"; then
    echo "alertmanager: not running"
    rm -f "$pid_file"
    return 0
  fi
  kill "$pid"
  for _ in $(seq 1 50); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  kill -0 "$pid" 2>/dev/null && kill -9 "$pid"
  rm -f "$pid_file"
  echo "alertmanager: stopped"
}

status() {
  local pid
  if pid="$(running_pid)"; then
    if ready; then echo "alertmanager: running (pid $pid), ready on http://$listen"; else
      echo "alertmanager: running (pid $pid), not ready"; return 1; fi
  else
    echo "alertmanager: not running"
    return 3
  fi
}

case "${1:-}" in
  install) install ;;
  start) start "${2:-30}" ;;
  stop) stop ;;
  status) status ;;
  wait) wait_ready "${2:-30}" ;;
  *) usage ;;
esac
