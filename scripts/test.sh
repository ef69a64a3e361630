#!/usr/bin/env bash
# `make test`: every test of every build, with throwaway backing services (scripts/services.sh).
#
# The all-in-one suite runs alone, because its tests wait on real queues and timers and a second
# build competing for the two cores of a CI machine would only make them slower. What does not
# compete with it runs beside it: the sidecar's Node tests during the all-in-one build's compile,
# then the Lambda API build's tests and the native-sources check side by side (each has its own
# target directory). Every side job's output is printed when it ends, and any failure fails the run.
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
echo "== The all-in-one build: unit and Quarkus tests, then the packaged app's integration tests"
"${MVN[@]}" verify

side_job lambda-api-test "${MVN[@]}" -Plambda-api test; lambda=$last_job
side_job native-sources make --no-print-directory native-sources; native=$last_job

finish engine-test "$engine" "The Baileys engine sidecar's Node tests"
finish lambda-api-test "$lambda" "The API as a Lambda, driven by API Gateway v2 events (lambda-api build)"
finish native-sources "$native" "Every native build step short of the compile"
