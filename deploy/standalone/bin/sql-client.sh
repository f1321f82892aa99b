#!/usr/bin/env bash
# Flink's SQL client against a Runnel server's SQL Gateway, as `./runnel sql` runs it:
#
#   deploy/standalone/target/flink/bin/sql-client.sh [--endpoint http://127.0.0.1:4567] [-f FILE] [Flink SQL client options]
#
# The server tells where its gateway is; every session starts in the Runnel catalog. With -f, the exit status
# is non-zero when a statement fails.
set -euo pipefail
# shellcheck source=java-opts.sh
source "$(dirname "${BASH_SOURCE[0]}")/java-opts.sh"
export FLINK_CONF_DIR="$FLINK_HOME/conf/sql-client"
exec "$JAVA" -Xmx512m "${FLINK_JAVA17_OPTS[@]}" -Dlog.file="${TMPDIR:-/tmp}/runnel-sql-client-$(id -u).log" \
  -Dlog4j.configurationFile="file:$FLINK_CONF_DIR/log4j.properties" \
  -cp "$FLINK_HOME/lib/*" io.runnel.standalone.RunnelSqlClient "$@"
