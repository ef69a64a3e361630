#!/usr/bin/env bash
# Prints the JAVA_HOME of a JDK 21 or newer: $JAVA_HOME if it qualifies, then the default java, then any
# JDK under /usr/lib/jvm (newest first). Debian installs several side by side; Parley needs 21+.
set -euo pipefail

major_of() {
    "$1/bin/java" -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.specification.version/ {print $2}' | cut -d. -f1
}

qualifies() {
    [ -x "$1/bin/java" ] && [ -x "$1/bin/javac" ] && [ "$(major_of "$1")" -ge 21 ] 2>/dev/null
}

candidates=()
[ -n "${JAVA_HOME:-}" ] && candidates+=("$JAVA_HOME")
if command -v javac >/dev/null 2>&1; then
    candidates+=("$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")")
fi
while IFS= read -r dir; do candidates+=("$dir"); done < <(ls -d /usr/lib/jvm/*/ 2>/dev/null | sed 's#/$##' | sort -rV)

for home in "${candidates[@]}"; do
    if qualifies "$home"; then
        echo "$home"
        exit 0
    fi
done
echo "No JDK 21 or newer found (looked at JAVA_HOME, the default javac and /usr/lib/jvm/*)." >&2
echo "Install one, e.g. 'apt-get install openjdk-21-jdk' where your release has it, or Temurin 21+." >&2
exit 1
