# Sourced by the scripts beside it: the java command and the JVM flags Flink passes to every JVM on Java 17.
# shellcheck shell=bash
JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"
FLINK_JAVA17_OPTS=(
  --add-exports=java.base/sun.net.util=ALL-UNNAMED --add-exports=java.rmi/sun.rmi.registry=ALL-UNNAMED
  --add-exports=java.security.jgss/sun.security.krb5=ALL-UNNAMED --add-opens=java.base/java.lang=ALL-UNNAMED
  --add-opens=java.base/java.net=ALL-UNNAMED --add-opens=java.base/java.io=ALL-UNNAMED
  --add-opens=java.base/java.nio=ALL-UNNAMED --add-opens=java.base/sun.nio.ch=ALL-UNNAMED
  --add-opens=java.base/java.lang.reflect=ALL-UNNAMED --add-opens=java.base/java.text=ALL-UNNAMED
  --add-opens=java.base/java.time=ALL-UNNAMED --add-opens=java.base/java.util=ALL-UNNAMED
  --add-opens=java.base/java.util.concurrent=ALL-UNNAMED --add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED
  --add-opens=java.base/java.util.concurrent.locks=ALL-UNNAMED
)

# The Flink home: the folder above bin/ when it has lib/ (a copy of target/flink), else the build's target/flink.
FLINK_HOME="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
if [ ! -d "$FLINK_HOME/lib" ]; then
  FLINK_HOME="$FLINK_HOME/target/flink"
  [ -d "$FLINK_HOME/lib" ] || { echo "$FLINK_HOME/lib is missing: build it with 'mvn -B package -DskipTests'" >&2; exit 1; }
fi
