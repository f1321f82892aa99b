#!/usr/bin/env bash
# Flink's command-line client (flink run, list, cancel, stop, savepoint, ...) for a cluster started from this
# Flink home, with Runnel's connectors on its class path:
#
#   FLINK_CONF_DIR=/path/to/conf deploy/standalone/bin/flink.sh run my-job.jar [args]
#
# FLINK_CONF_DIR holds the cluster's config.yaml (default: this home's conf/), which tells the client its address.
set -euo pipefail
# shellcheck source=java-opts.sh
source "$(dirname "${BASH_SOURCE[0]}")/java-opts.sh"
export FLINK_CONF_DIR="${FLINK_CONF_DIR:-$FLINK_HOME/conf}"
# As Flink's own client: a job whose plan names s3:// or s3a:// paths needs the S3 file system already here.
export FLINK_PLUGINS_DIR="${FLINK_PLUGINS_DIR:-$FLINK_HOME/plugins}"
log_dir="${FLINK_LOG_DIR:-$(dirname "$FLINK_CONF_DIR")/log}"
mkdir -p "$log_dir"
log_config="$FLINK_CONF_DIR/log4j.properties"
[ -f "$log_config" ] || log_config="$FLINK_HOME/conf/log4j.properties"
exec "$JAVA" -Xmx512m "${FLINK_JAVA17_OPTS[@]}" -Dlog.file="$log_dir/flink-client.log" \
  -Dlog4j.configurationFile="file:$log_config" -cp "$FLINK_HOME/lib/*" org.apache.flink.client.cli.CliFrontend "$@"
