#!/usr/bin/env bash
# Runs the SENG gateway, building it first when the sources are newer than the jar.
#   ./run.sh                 loopback test mode on 127.0.0.1 12345 (no root needed)
#   ./run.sh test            the test suite
#   ./run.sh [ARGS...]       the jar with these arguments: server options, demo, status, bench, db, subnet, app
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
if ! "$JAVA_HOME/bin/java" -version 2>&1 | grep -q 'version "2[5-9]'; then
  echo "error: JDK 25 or newer not found at JAVA_HOME=$JAVA_HOME; install one or point JAVA_HOME at it" >&2
  exit 1
fi

if [ "${1:-}" = "test" ]; then
  shift
  cd "$here"
  # Surefire keeps test output in per-class files, so the reasons for skipped tests are printed here.
  skipped="$here/target/test-logs/skipped.txt"
  rm -f "$skipped"
  status=0
  ./mvnw -B test "$@" || status=$?
  if [ -s "$skipped" ]; then
    echo "Skipped tests and why:"
    sed 's/^/  /' "$skipped"
  fi
  exit "$status"
fi

jar="$here/target/seng-gateway.jar"
if [ ! -f "$jar" ] || [ -n "$(find "$here/src" "$here/sql" "$here/pom.xml" -newer "$jar" -print -quit 2>/dev/null)" ]; then
  echo "building $jar ..." >&2
  (cd "$here" && ./mvnw -q -B -DskipTests package) >&2
fi

if [ $# -eq 0 ]; then
  set -- --test-mode
fi
# G1 gives unused heap back to the system once the server idles, so its resident memory follows
# the number of tunnels rather than the last burst of handshakes. A JVM out of memory exits
# rather than limp on with dead threads, so a supervisor can restart it. SENG_JAVA_OPTS adds
# options, such as -Xmx2g.
jvm_options=(--enable-preview --enable-native-access=ALL-UNNAMED -XX:+ExitOnOutOfMemoryError
  -XX:G1PeriodicGCInterval=15000 -XX:MinHeapFreeRatio=10 -XX:MaxHeapFreeRatio=30)
# shellcheck disable=SC2086
exec "$JAVA_HOME/bin/java" "${jvm_options[@]}" ${SENG_JAVA_OPTS:-} -jar "$jar" "$@"
