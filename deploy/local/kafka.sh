#!/usr/bin/env bash
# A single-node Apache Kafka (KRaft, broker and controller in one JVM) on 127.0.0.1 for development and tests.
#
#   bash deploy/local/kafka.sh start|stop|status|reset
#
# `reset` stops the broker and deletes its data (topics made by tests pile up); the next start formats afresh.
#
# The broker's jars come from Maven Central (deploy/local/pom.xml pins the version) and are cached under
# .cache/kafka/lib-<version>/; data, logs and the pid file live in .cache/kafka/<port>/.
#
# Environment (all optional):
#   KAFKA_PORT             broker port (9092)
#   KAFKA_CONTROLLER_PORT  KRaft controller port (KAFKA_PORT + 1)
#   KAFKA_HEAP_OPTS        JVM heap (-Xms128m -Xmx512m)
#   KAFKA_START_TIMEOUT_S  how long `start` waits for the broker to serve (90)
#   KAFKA_VERSION          another Kafka version than the pinned one, to check compatibility
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
port=${KAFKA_PORT:-9092}
controller_port=${KAFKA_CONTROLLER_PORT:-$((port + 1))}
pinned=$(sed -n 's:.*<kafka.version>\(.*\)</kafka.version>.*:\1:p' "$here/pom.xml")
version=${KAFKA_VERSION:-$pinned}
heap=${KAFKA_HEAP_OPTS:--Xms128m -Xmx512m}
start_timeout_s=${KAFKA_START_TIMEOUT_S:-90}

cache=$root/.cache/kafka
lib=$cache/lib-$version
run=$cache/$port
data=$run/data
logs=$run/logs
log_file=$logs/kafka.log
pid_file=$run/kafka.pid
props=$run/server.properties
stamp=$run/formatted

say() { printf 'kafka.sh: %s\n' "$*" >&2; }

# What went wrong in this run's part of the log (from line $1): the errors and their causes, then the last lines.
explain_failure() {
  local from=$1
  say "errors logged by the broker (${log_file#"$root"/}):"
  tail -n "+$from" "$log_file" | grep -E 'ERROR|FATAL|Exception:|Caused by:' | grep -vE '^\s+at ' | cut -c1-300 | head -n 12 >&2 || true
  say "last lines:"
  tail -n 40 "$log_file" | grep -vE '^\s+(at |\.\.\. )' | tail -n 10 | cut -c1-300 >&2
}

# The pid of the broker this script started on this port, if it still runs.
running_pid() {
  [[ -f $pid_file ]] || return 1
  local pid
  pid=$(<"$pid_file")
  [[ -n $pid && -r /proc/$pid/cmdline ]] || return 1
  # A recycled pid belongs to some other process: only ours carries our properties file.
  local cmdline
  cmdline=$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null) || return 1
  [[ $cmdline == *"$props"* ]] || return 1
  echo "$pid"
}

serving() { # [timeout-ms] [pid]
  node "$here/kafka-ready.mjs" "127.0.0.1:$port" "${1:-2000}" ${2:+"$2"}
}

fetch_jars() {
  [[ -f $lib/.complete ]] && return 0
  command -v mvn >/dev/null || { say "Maven (mvn) is required to fetch Kafka $version"; exit 1; }
  say "fetching Apache Kafka $version from Maven Central into ${lib#"$root"/}"
  rm -rf "$lib.partial"
  mkdir -p "$cache"
  mvn -q -B -f "$here/pom.xml" -Dkafka.version="$version" dependency:copy-dependencies \
    -DincludeScope=runtime -DoutputDirectory="$lib.partial" >"$cache/maven.log" 2>&1 ||
    { say "Maven could not fetch Kafka $version:"; tail -n 30 "$cache/maven.log" >&2; exit 1; }
  touch "$lib.partial/.complete"
  rm -rf "$lib"
  mv "$lib.partial" "$lib"
}

write_properties() {
  mkdir -p "$data" "$logs"
  cat >"$props" <<EOF
process.roles=broker,controller
node.id=1
listeners=PLAINTEXT://127.0.0.1:$port,CONTROLLER://127.0.0.1:$controller_port
advertised.listeners=PLAINTEXT://127.0.0.1:$port
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
inter.broker.listener.name=PLAINTEXT
controller.listener.names=CONTROLLER
controller.quorum.bootstrap.servers=127.0.0.1:$controller_port
log.dirs=$data
num.partitions=1
auto.create.topics.enable=false
offsets.topic.replication.factor=1
offsets.topic.num.partitions=10
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
transaction.state.log.num.partitions=4
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
num.network.threads=2
num.io.threads=4
background.threads=4
log.cleaner.threads=1
EOF
}

# Formats the storage once per (version, controller port); local data is disposable, so a change wipes it.
format_storage() {
  local want="$version $controller_port"
  if [[ -f $stamp && $(<"$stamp") == "$want" && -f $data/meta.properties ]]; then return 0; fi
  rm -rf "$data" && mkdir -p "$data"
  local cluster_id
  # A Kafka cluster id is 16 random bytes in URL-safe base64; a leading '-' would read as a CLI flag.
  until [[ ${cluster_id:-} =~ ^[A-Za-z0-9_] ]]; do
    cluster_id=$(head -c 16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n')
  done
  say "formatting storage (cluster $cluster_id)"
  java -cp "$lib/*" -Dlog4j2.configurationFile="$here/log4j2.properties" kafka.tools.StorageTool \
    format --standalone -t "$cluster_id" -c "$props" >>"$log_file" 2>&1 ||
    { say "formatting failed:"; tail -n 30 "$log_file" >&2; exit 1; }
  echo "$want" >"$stamp"
}

start() {
  local pid
  if pid=$(running_pid); then
    serving $((start_timeout_s * 1000)) "$pid" && exit 0
    say "broker (pid $pid) is running but not serving; see ${log_file#"$root"/}"
    exit 1
  fi
  if serving 1500 2>/dev/null; then
    say "a broker not started by this script already serves 127.0.0.1:$port"
    exit 0
  fi
  fetch_jars
  write_properties
  if [[ -f $log_file ]] && (($(stat -c %s "$log_file") > 10 * 1024 * 1024)); then mv "$log_file" "$log_file.1"; fi
  format_storage
  rm -f "$pid_file"
  local log_mark
  log_mark=$(($(wc -l <"$log_file") + 1))
  say "starting Kafka $version on 127.0.0.1:$port (controller $controller_port)"
  # setsid: the broker outlives the shell (and process group) that started it; `stop` ends it.
  # shellcheck disable=SC2086
  setsid bash -c 'echo $$ >"$0"; exec "$@"' "$pid_file" \
    java $heap -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:+ExitOnOutOfMemoryError -Djava.awt.headless=true \
    -Dlog4j2.configurationFile="$here/log4j2.properties" -Dkafka.logs.dir="$logs" \
    -cp "$lib/*" kafka.Kafka "$props" >>"$log_file" 2>&1 </dev/null 9>&- &
  local waited=0
  until [[ -s $pid_file ]] && pid=$(running_pid); do
    sleep 0.1
    waited=$((waited + 1))
    ((waited < 100)) || { say "broker did not launch"; explain_failure "$log_mark"; exit 1; }
  done
  if serving $((start_timeout_s * 1000)) "$pid"; then exit 0; fi
  say "broker did not come up on 127.0.0.1:$port"
  explain_failure "$log_mark"
  stop >/dev/null 2>&1 || true
  exit 1
}

stop() {
  local pid
  if ! pid=$(running_pid); then
    rm -f "$pid_file"
    say "not running on port $port"
    return 0
  fi
  kill -TERM "$pid"
  for _ in $(seq 1 300); do
    [[ -d /proc/$pid ]] || break
    sleep 0.1
  done
  if [[ -d /proc/$pid ]]; then
    say "broker (pid $pid) ignored SIGTERM for 30s; killing it"
    kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$pid_file"
  say "stopped (pid $pid)"
}

status() {
  local pid
  if pid=$(running_pid); then
    local cmdline
    cmdline=$(tr '\0' ' ' <"/proc/$pid/cmdline")
    [[ $cmdline =~ lib-([^/]+)/ ]] && echo "running (pid $pid) on 127.0.0.1:$port, Kafka ${BASH_REMATCH[1]}"
    serving 2000 "$pid"
    return
  fi
  echo "stopped (port $port)"
  return 3
}

# One start or stop at a time per port: several people may share this checkout and its broker.
lock() {
  mkdir -p "$run"
  exec 9>"$run/lock"
  flock -w 180 9 || { say "another kafka.sh holds $run/lock"; exit 1; }
}

case ${1:-} in
  start) lock && start ;;
  stop) lock && stop ;;
  status) status ;;
  reset) lock && stop && rm -rf "$data" "$stamp" && say "deleted the data of the broker on port $port" ;;
  *) echo "usage: $0 start|stop|status|reset" >&2; exit 2 ;;
esac
