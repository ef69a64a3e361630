# Parley: the two commands a new user needs are `make run` and `make test`.
# Both start their own backing services (PostgreSQL, ElasticMQ, dynalite, s3rver) on free loopback
# ports and stop them when they end: `make test` with throwaway state under target/services,
# `make run` with its data kept in $(PARLEY_DATA) (default data/), see scripts/services.sh.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

JAVA_HOME := $(shell scripts/find-jdk.sh)
export JAVA_HOME
export PATH := $(JAVA_HOME)/bin:$(PATH)
MVN := mvn -B -ntp
PORT ?= 8080
# Everything `make run` keeps (database, queues, tables, files); `make reset` deletes it.
PARLEY_DATA ?= data
DATA := $(abspath $(PARLEY_DATA))
run_services = scripts/services.sh $(1) --state "$(DATA)" --persistent

# make run BILLING=1: billing on, against the local Stripe emulator, whose webhooks come back to this port.
BILLING ?= 0
export BILLING
export STRIPE_FORWARD_TO := http://127.0.0.1:$(PORT)/v1/billing/stripe-webhook

STAGE ?= dev
.PHONY: help jdk run test bench build package native native-sources engine-deps engine-test deploy services-start services-stop clean reset token

help:
	@echo "make run    start the all-in-one gateway (api + connector + jobs, sandbox WhatsApp) on port $(PORT);"
	@echo "            its data is kept in $(PARLEY_DATA)/ across restarts; PARLEY_DRIVER=baileys for real WhatsApp;"
	@echo "            BILLING=1 sells devices through the local Stripe emulator (README: Billing)"
	@echo "make token  print a new API token for the demo account of $(PARLEY_DATA)/"
	@echo "make reset [FORCE=1]  delete $(PARLEY_DATA)/ (every account, device, message and file of make run)"
	@echo "make test   run every test against real PostgreSQL, ElasticMQ (SQS) and dynalite (DynamoDB)"
	@echo "make bench [QUICK=1]  the performance benchmark: one table of measures and ratios, JSON in target/bench/"
	@echo "            (QUICK=1: a reduced run, under 3 minutes; see docs/performance.md)"
	@echo "make build  compile and package the all-in-one jar without tests"
	@echo "make package [NATIVE=1]  Lambda zips (API, jobs; JVM, or native) and the connector image context"
	@echo "make native   native executables (local GraalVM/Mandrel, else a container build)"
	@echo "make native-sources  every native build step short of the compile (no GraalVM needed)"
	@echo "make engine-test  the Baileys engine sidecar's own tests (Node.js 20+, engine/baileys)"
	@echo "make deploy STAGE=dev [NATIVE=1]  sam deploy with infra/stages/<STAGE>.json"
	@echo "make clean  stop services and remove target/"

jdk:
	@echo "Using JDK at $(JAVA_HOME) ($$(java -version 2>&1 | head -1))"

build: jdk
	$(MVN) package -DskipTests

# scripts/test.sh: the all-in-one suite alone, the side builds (sidecar Node tests, Lambda API tests,
# native-sources) beside the parts they do not slow down.
test: jdk
	scripts/test.sh

# The benchmark (docs/performance.md): never part of make test or CI. It builds the all-in-one, compiles the
# load generator (src/bench/java) against the jar's own libraries, starts throwaway services of its own
# (target/bench/services, never data/) and runs the jar as a child process; QUICK=1 for the short version,
# JFR=1 to record a profile of the app (target/bench/app.jfr).
QUICK ?=
JFR ?=
BENCH_SERVICES := target/bench/services
bench: build
	@mkdir -p target/bench/classes
	javac -nowarn -d target/bench/classes -cp "target/quarkus-app/lib/main/*" $$(find src/bench/java -name '*.java')
	@trap 'scripts/services.sh stop --state $(BENCH_SERVICES) >/dev/null' EXIT; \
	scripts/services.sh start --state $(BENCH_SERVICES) --ephemeral; \
	set -a; source $(BENCH_SERVICES)/env; set +a; \
	java -Dslf4j.internal.verbosity=ERROR -cp "target/bench/classes:target/quarkus-app/lib/main/*" dev.parley.bench.Bench $(if $(QUICK),--quick) $(if $(JFR),--jfr)

# Services in $(DATA) (kept), owned by this recipe's shell: a second `make run` on the same data
# is refused. INT/TERM end the shell after java's graceful stop, so the EXIT trap stops the services.
# PARLEY_DRIVER=baileys (or PARLEY_DRIVER_TYPE) runs the real WhatsApp engine: Node.js 20+ and the sidecar's
# node_modules first (docs/linking-a-phone.md). The sandbox stays the default.
run: build
	@if [ "$${PARLEY_DRIVER_TYPE:-$${PARLEY_DRIVER:-sandbox}}" = baileys ]; then $(MAKE) --no-print-directory engine-deps; fi
	@trap '$(call run_services,stop)' EXIT; trap 'exit 130' INT; trap 'exit 143' TERM; \
	$(call run_services,start); \
	set -a; source "$(DATA)/env"; set +a; \
	PARLEY_DATA="$(DATA)" java -Dquarkus.profile=dev -Dvertx.disableURIValidation=true -Dquarkus.http.port=$(PORT) -jar target/quarkus-app/quarkus-run.jar

# A new API token for the demo account of $(DATA), whether `make run` is up or not.
token:
	@$(call run_services,token)

# Deletes $(DATA); asks first unless FORCE=1, and refuses without a terminal to ask on.
FORCE ?=
reset:
	@if [ ! -e "$(DATA)" ]; then echo "Nothing to reset: $(DATA) does not exist"; exit 0; fi; \
	if [ "$(FORCE)" != 1 ]; then \
	  if [ ! -t 0 ]; then echo "make reset deletes $(DATA) and cannot ask for confirmation here (no terminal): run 'make reset FORCE=1'" >&2; exit 1; fi; \
	  read -r -p "Delete $(DATA): every account, token, device, message and file of make run? [y/N] " answer; \
	  case "$$answer" in y|Y|yes|YES) ;; *) echo "Nothing deleted"; exit 1 ;; esac; \
	fi; \
	$(call run_services,wipe)

# The all-in-one jar doubles as the connector image context (infra/connector/Dockerfile).
# JVM Lambda zips by default (runtime java21); NATIVE=1 builds native ones (runtime provided.al2023).
NATIVE ?=
LAMBDA_RUNTIME := $(if $(NATIVE),native,java21)
package: jdk
	$(MVN) package -DskipTests
	@if [ -n "$(NATIVE)" ]; then $(MAKE) --no-print-directory native; else \
	  $(MVN) -Plambda-api package -DskipTests && $(MVN) -Plambda-jobs package -DskipTests; fi
	mkdir -p target/lambda/api target/lambda/jobs
	cp target/lambda-api/function.zip target/lambda/api/function.zip
	cp target/lambda-jobs/function.zip target/lambda/jobs/function.zip
	@echo "Packaged ($(LAMBDA_RUNTIME)): target/lambda/api/function.zip, target/lambda/jobs/function.zip, target/quarkus-app (connector image context)"

# Native executables. A local GraalVM/Mandrel (native-image on PATH or in GRAALVM_HOME) is used when
# present, else Quarkus's container build (needs docker or podman); it says which.
native: jdk
	@if command -v native-image >/dev/null 2>&1 || [ -x "$${GRAALVM_HOME:-/nonexistent}/bin/native-image" ]; then \
	  echo "Building native executables with the local GraalVM/Mandrel"; extra=""; \
	elif (command -v docker >/dev/null 2>&1 && docker info >/dev/null 2>&1) || command -v podman >/dev/null 2>&1; then \
	  echo "No local GraalVM/Mandrel: building native executables in a container"; extra="-Dquarkus.native.container-build=true"; \
	else \
	  echo "Neither GraalVM/Mandrel nor a container engine is available: cannot compile native executables."; \
	  echo "Install Mandrel or GraalVM (native-image), or docker/podman. 'make native-sources' checks every other step."; \
	  exit 1; \
	fi; \
	$(MVN) package -DskipTests -Dnative $$extra && \
	$(MVN) -Plambda-api package -DskipTests -Dnative $$extra && \
	$(MVN) -Plambda-jobs package -DskipTests -Dnative $$extra

# Runs every native build step short of the final compile: reflection, resources, substitutions and
# build-time initialization are all checked. The Lambda extensions refuse this package type, so it runs
# on the connector build, which holds the same application code.
native-sources: jdk
	$(MVN) package -DskipTests -Dnative -Dquarkus.native.sources-only=true
	@test -f target/native-sources/native-image.args && echo "native-sources: OK (target/native-sources/native-image.args)"

# The Baileys engine sidecar (engine/baileys): npm ci only when node_modules is missing or was installed
# from another lockfile, then Node's test runner (spec on stdout, JUnit XML in NODE_TEST_REPORT for .ci/run).
ENGINE_DIR := engine/baileys
NODE_TEST_REPORT ?= target/node-tests.xml
# Node.js 20+ and the sidecar's node_modules, as `make engine-test` and `make run PARLEY_DRIVER=baileys` need them.
engine-deps:
	@command -v node >/dev/null 2>&1 || { echo "The Baileys engine needs Node.js 20+ (node not found on PATH): install it from https://nodejs.org or your package manager"; exit 1; }
	@v=$$(node -p 'process.versions.node.split(".")[0]'); [ "$$v" -ge 20 ] || { echo "The Baileys engine needs Node.js 20+, found $$(node --version): install a newer Node.js"; exit 1; }
	@cd $(ENGINE_DIR) && sum=$$(sha256sum package-lock.json | cut -d' ' -f1); \
	  if [ "$$(cat node_modules/.parley-lock.sha256 2>/dev/null)" != "$$sum" ]; then \
	    echo "npm ci in $(ENGINE_DIR)"; npm ci --no-audit --no-fund && echo "$$sum" > node_modules/.parley-lock.sha256; fi

engine-test: engine-deps
	@mkdir -p $(dir $(NODE_TEST_REPORT))
	@echo "== The Baileys engine sidecar (node --test, $(ENGINE_DIR))"
	cd $(ENGINE_DIR) && node --test --test-reporter=spec --test-reporter-destination=stdout \
	  --test-reporter=junit --test-reporter-destination=$(abspath $(NODE_TEST_REPORT)) test/

# STAGE picks infra/stages/$(STAGE).json; the first run is guided (VPC, subnets, connector image).
deploy: package
	@command -v sam >/dev/null 2>&1 || { echo "Install the AWS SAM CLI first (see docs/deploy.md)"; exit 1; }
	sam deploy $$( [ -f samconfig.toml ] && grep -q "^\[$(STAGE)" samconfig.toml || echo --guided ) \
	  --template-file template.yaml --stack-name parley-$(STAGE) --config-env $(STAGE) \
	  --capabilities CAPABILITY_IAM CAPABILITY_AUTO_EXPAND --resolve-s3 \
	  --parameter-overrides $$(python3 -c 'import json,sys; p=json.load(open(sys.argv[1]))["Parameters"]; p["LambdaRuntime"]=sys.argv[2]; print(" ".join(f"{k}={v}" for k,v in p.items()))' infra/stages/$(STAGE).json $(LAMBDA_RUNTIME)) \
	  --tags $$(python3 -c 'import json,sys; print(" ".join(f"{k}={v}" for k,v in json.load(open(sys.argv[1])).get("Tags",{}).items()))' infra/stages/$(STAGE).json)

services-start:
	scripts/services.sh start

services-stop:
	scripts/services.sh stop

clean:
	scripts/services.sh stop || true
	rm -rf target
