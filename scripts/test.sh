#!/usr/bin/env bash
# `make test`: every test of every build, with throwaway backing services (scripts/services.sh).
#
# The all-in-one suite runs without other builds beside it, because its tests wait on real queues and
# timers and a build competing for the two cores of a CI machine would only make them slower (it runs in
# two Surefire forks of its own, see pom.xml). What does not compete with it runs beside it: the
# sidecar's Node tests during the all-in-one build's compile; then the crash tests against the packaged
# app (Failsafe, CrashIT: they wait on a drain, not on timers) beside the Lambda API build's tests
# followed by the native-sources check (the Lambda build has its own target directory; native-sources
# writes neither the packaged app nor the test classes). Every side job's output is printed when it
# ends, and any failure fails the run.
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
scripts/services.sh browser   # the console tests drive headless Chromium
make --no-print-directory engine-deps
side_job engine-test make --no-print-directory engine-test; engine=$last_job

set -a; source target/services/env; set +a
echo "== The all-in-one build: unit and Quarkus tests, then the package the integration tests run"
"${MVN[@]}" verify -DskipITs

side_job crash-tests "${MVN[@]}" failsafe:integration-test failsafe:verify; crash=$last_job
side_job lambda-and-native bash -c "${MVN[*]} -Plambda-api test && make --no-print-directory native-sources"
lambda=$last_job

finish engine-test "$engine" "The Baileys engine sidecar's Node tests"
finish lambda-and-native "$lambda" "The API as a Lambda (lambda-api build), then every native build step short of the compile"
finish crash-tests "$crash" "Crash tests: the packaged all-in-one and its stores killed mid-drain (CrashIT)"
