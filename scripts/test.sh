#!/usr/bin/env bash
# `make test`: every test of every build, with throwaway backing services (scripts/services.sh).
#
# One Maven run compiles everything and packages the all-in-one. Then the all-in-one's Quarkus and unit tests run as
# two Surefire runs side by side, each on stores of its own (slot 1: the message, event and connector packages;
# slot 2: the rest) with its output in target/tests-<slot>.log: most of a test's time is waiting on queues and
# timers, so two share the two cores of a CI machine well. Two runs of one fork each rather than one run of two
# forks, because with two forks Quarkus restarts the app for every test class (quarkusio/quarkus#43979, 34 starts).
# After them, side by side: the crash tests against the packaged app (Failsafe, CrashIT) and the Lambda API build's
# tests followed by the native-sources check (the Lambda build has its own target directory). The sidecar's Node
# tests run from the start. Every job's output is printed when it ends, and any failure fails the run.
set -euo pipefail
cd "$(dirname "$0")/.."
MVN=(mvn -B -ntp)
mkdir -p target

side_jobs=()
stop_side_jobs() {
  for pid in "${side_jobs[@]}"; do kill -- "-$pid" 2>/dev/null || kill "$pid" 2>/dev/null || true; done
  scripts/services.sh stop
}
trap stop_side_jobs EXIT

# Starts "$@" in its own process group with its output in target/<name>.log; its pid is left in $last_job.
side_job() {
  local name=$1; shift
  setsid "$@" >"target/$name.log" 2>&1 &
  last_job=$!
  side_jobs+=("$last_job")
}

# Waits for a side job, prints its log under a heading, and fails the run if it failed.
finish() {
  local name=$1 pid=$2 title=$3 status=0
  wait "$pid" || status=$?
  echo "== $title (target/$name.log)"
  cat "target/$name.log"
  if [ "$status" -ne 0 ]; then echo "== $name FAILED (exit $status)" >&2; exit "$status"; fi
}

scripts/services.sh start
make --no-print-directory engine-deps
side_job engine-test make --no-print-directory engine-test; engine=$last_job

set -a; source target/services/env; set +a
echo "== The all-in-one build: compile, then the package the crash tests run"
"${MVN[@]}" package -DskipTests

# Two slots of about equal length (each class in exactly one): slot 1 has the message, event and connector packages
# but the four-shard profile's two connector classes, which go to slot 2 with every other package.
four_shards='ShardLeasesTest|ReceiptsAndIncomingTest'
slot1="**/message/*Test,**/event/*Test,**/connector/*Test,!%regex[dev.parley.connector.($four_shards).*]"
slot2="**/*Test,!**/message/*Test,!**/event/*Test,!**/*LambdaHttpTest"
slot2="$slot2,!%regex[dev.parley.connector.(?!$four_shards)\\w+Test.*]"
side_job tests-1 "${MVN[@]}" surefire:test -Dsuite.slot=1 "-Dtest=$slot1"; tests1=$last_job
side_job tests-2 "${MVN[@]}" surefire:test -Dsuite.slot=2 "-Dtest=$slot2"; tests2=$last_job
finish engine-test "$engine" "The Baileys engine sidecar's Node tests"
finish tests-1 "$tests1" "The all-in-one's tests, slot 1: messages, events, connector"
finish tests-2 "$tests2" "The all-in-one's tests, slot 2: everything else"

# After the timer-bound suites, not beside them: on two cores a third JVM made their sends miss their deadlines.
side_job crash-tests "${MVN[@]}" failsafe:integration-test failsafe:verify; crash=$last_job
side_job lambda-and-native bash -c "${MVN[*]} -Plambda-api test && make --no-print-directory native-sources"
lambda=$last_job
finish lambda-and-native "$lambda" "The API as a Lambda (lambda-api build), then every native build step short of the compile"
finish crash-tests "$crash" "Crash tests: the packaged all-in-one and its stores killed mid-drain (CrashIT)"
