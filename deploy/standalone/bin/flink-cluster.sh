#!/usr/bin/env bash
# Starts or stops a standalone Flink session cluster, a JobManager and a TaskManager process, as Flink's own
# start-cluster.sh does, from this Flink home (Flink's jars from Maven and Runnel's in lib/, the S3 file system in
# plugins/):
#
#   deploy/standalone/target/flink/bin/flink-cluster.sh start|stop|status
#
# FLINK_CONF_DIR holds config.yaml (default: this home's conf/); logs and pid files go to FLINK_LOG_DIR (default:
# log/ beside it). Run it on each machine with the same config.yaml, or start the TaskManager alone on more
# machines with `flink-cluster.sh start-taskmanager`.
set -euo pipefail
# shellcheck source=java-opts.sh
source "$(dirname "${BASH_SOURCE[0]}")/java-opts.sh"
export FLINK_CONF_DIR="${FLINK_CONF_DIR:-$FLINK_HOME/conf}"
export FLINK_PLUGINS_DIR="${FLINK_PLUGINS_DIR:-$FLINK_HOME/plugins}"
log_dir="${FLINK_LOG_DIR:-$(dirname "$FLINK_CONF_DIR")/log}"
mkdir -p "$log_dir"
log_config="$FLINK_CONF_DIR/log4j.properties"
[ -f "$log_config" ] || log_config="$FLINK_HOME/conf/log4j.properties"

# Flink's BashJavaUtils derives a process's memory flags and matching dynamic properties from config.yaml.
derived() {
  local out
  out="$("$JAVA" -cp "$FLINK_HOME/lib/*" -Dlog4j.configurationFile="file:$log_config" -Dlog.file="$log_dir/bash-java-utils.log" \
    org.apache.flink.runtime.util.bash.BashJavaUtils "$1" --configDir "$FLINK_CONF_DIR" 2>&1)" \
    || { echo "flink-cluster: BashJavaUtils $1 failed:" >&2; echo "$out" >&2; exit 1; }
  echo "$out" | sed -n 's/^BASH_JAVA_UTILS_EXEC_RESULT://p'
}

start() {
  local name="$1" main="$2" params="$3" pid_file="$log_dir/$1.pid"
  if [ -f "$pid_file" ] && kill -0 "$(cat "$pid_file")" 2>/dev/null; then
    echo "flink-cluster: the $name is already running (pid $(cat "$pid_file"))"
    return
  fi
  local results jvm_flags dynamic
  results="$(derived "$params")"
  jvm_flags="$(echo "$results" | sed -n 1p)"
  dynamic="$(echo "$results" | sed -n 2p)"
  # shellcheck disable=SC2086
  nohup "$JAVA" $jvm_flags "${FLINK_JAVA17_OPTS[@]}" -Dlog.file="$log_dir/$name.log" \
    -Dlog4j.configurationFile="file:$log_config" -cp "$FLINK_HOME/lib/*" "$main" \
    --configDir "$FLINK_CONF_DIR" $dynamic > "$log_dir/$name.out" 2>&1 < /dev/null &
  echo $! > "$pid_file"
  echo "flink-cluster: started the $name (pid $!, log $log_dir/$name.log)"
}

stop() {
  local pid_file="$log_dir/$1.pid"
  [ -f "$pid_file" ] || return 0
  local pid
  pid="$(cat "$pid_file")"
  if kill -0 "$pid" 2>/dev/null; then
    kill "$pid"
    for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    kill -0 "$pid" 2>/dev/null && kill -9 "$pid"
    echo "flink-cluster: stopped the $1 (pid $pid)"
  fi
  rm -f "$pid_file"
}

status() {
  for name in jobmanager taskmanager; do
    local pid_file="$log_dir/$name.pid"
    if [ -f "$pid_file" ] && kill -0 "$(cat "$pid_file")" 2>/dev/null; then
      echo "$name: running (pid $(cat "$pid_file"))"
    else
      echo "$name: stopped"
    fi
  done
}

case "${1:-}" in
  start)
    start jobmanager org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint GET_JM_RESOURCE_PARAMS
    start taskmanager org.apache.flink.runtime.taskexecutor.TaskManagerRunner GET_TM_RESOURCE_PARAMS
    ;;
  start-taskmanager) start taskmanager org.apache.flink.runtime.taskexecutor.TaskManagerRunner GET_TM_RESOURCE_PARAMS ;;
  stop) stop taskmanager; stop jobmanager ;;
  status) status ;;
  *) sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
