#!/usr/bin/env bash
# `make test`: every test of every build, with throwaway backing services (scripts/services.sh).
#
# One Maven run compiles everything and packages the all-in-one; then the tests run side by side, each in a
# process of its own with its output in target/<name>.log:
#   - the all-in-one's Quarkus and unit tests as two Surefire runs, each on stores of its own (slot 1: the message,
#     event and connector packages; slot 2: the rest). Two runs of one fork each rather than one run of two
#     forks, because with two forks Quarkus restarts the app for every test class (quarkusio/quarkus#43979);
#   - the crash tests against the packaged app (Failsafe, CrashIT), then the Lambda API build's tests and the
#     native-sources check (the Lambda build has its own target directory);
#   - the sidecar's Node tests, from the start.
# Most of a test's time is waiting on queues and timers, so the runs share the two cores of a CI machine well.
# Every job's output is printed when it ends, and any failure fails the run.
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

# Slot 1 takes the packages whose tests wait longest on sends; slot 2 every other package.
slot1='**/message/*Test,**/event/*Test,**/connector/*Test'
slot2='**/*Test,!**/message/*Test,!**/event/*Test,!**/connector/*Test,!**/*LambdaHttpTest'
side_job tests-1 "${MVN[@]}" surefire:test -Dsuite.slot=1 "-Dtest=$slot1"; tests1=$last_job
side_job tests-2 "${MVN[@]}" surefire:test -Dsuite.slot=2 "-Dtest=$slot2"; tests2=$last_job
side_job crash-and-lambda bash -c "${MVN[*]} failsafe:integration-test failsafe:verify \
  && ${MVN[*]} -Plambda-api test && make --no-print-directory native-sources"
others=$last_job

finish engine-test "$engine" "The Baileys engine sidecar's Node tests"
finish tests-1 "$tests1" "The all-in-one's tests, slot 1: messages, events, connector"
finish tests-2 "$tests2" "The all-in-one's tests, slot 2: everything else"
finish crash-and-lambda "$others" \
  "Crash tests (CrashIT), then the API as a Lambda (lambda-api build) and every native build step short of the compile"
