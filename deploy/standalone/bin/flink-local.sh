#!/usr/bin/env bash
# Runs a Flink session cluster in one JVM, in the foreground: a JobManager with its REST API and web UI, and a
# TaskManager, from this Flink home's lib/ and plugins/ (what `mvn package` puts in deploy/standalone/target/flink).
# It is what `./runnel up` starts as its job runtime; on your own machine, run it directly:
#
#   FLINK_CONF_DIR=/path/to/conf deploy/standalone/target/flink/bin/flink-local.sh [--gateway-conf DIR] [--parent-pid PID]
#
# FLINK_CONF_DIR holds config.yaml (default: this home's conf/). --gateway-conf DIR also serves Flink's SQL
# Gateway with the settings of DIR/config.yaml; --no-cluster serves only the gateway, for a cluster elsewhere;
# --parent-pid PID ends the cluster when that process ends. FLINK_JAVA_OPTS sets the JVM's options.
set -euo pipefail
# shellcheck source=java-opts.sh
source "$(dirname "${BASH_SOURCE[0]}")/java-opts.sh"
export FLINK_CONF_DIR="${FLINK_CONF_DIR:-$FLINK_HOME/conf}"
export FLINK_PLUGINS_DIR="${FLINK_PLUGINS_DIR:-$FLINK_HOME/plugins}"
log_dir="${FLINK_LOG_DIR:-$FLINK_HOME/log}"
mkdir -p "$log_dir"
log_config="$FLINK_CONF_DIR/log4j.properties"
[ -f "$log_config" ] || log_config="$FLINK_HOME/conf/log4j.properties"
# shellcheck disable=SC2086
exec "$JAVA" ${FLINK_JAVA_OPTS:--Xms256m -Xmx1g -XX:MaxDirectMemorySize=512m -XX:+UseG1GC} "${FLINK_JAVA17_OPTS[@]}" \
  -Dlog.file="$log_dir/flink-local.log" -Dlog4j.configurationFile="file:$log_config" \
  -cp "$FLINK_HOME/lib/*" io.runnel.standalone.LocalSessionCluster "$@"
