# Parley: the two commands a new user needs are `make run` and `make test`.
# Both start their own backing services (PostgreSQL, ElasticMQ, dynalite) on free loopback ports
# under target/services and stop them when they end.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

JAVA_HOME := $(shell scripts/find-jdk.sh)
export JAVA_HOME
export PATH := $(JAVA_HOME)/bin:$(PATH)
MVN := mvn -B -ntp
PORT ?= 8080

.PHONY: help jdk run test build services-start services-stop clean

help:
	@echo "make run    start the all-in-one gateway (api + connector + jobs, sandbox WhatsApp) on port $(PORT)"
	@echo "make test   run every test against real PostgreSQL, ElasticMQ (SQS) and dynalite (DynamoDB)"
	@echo "make build  compile and package without tests"
	@echo "make clean  stop services and remove target/"

jdk:
	@echo "Using JDK at $(JAVA_HOME) ($$(java -version 2>&1 | head -1))"

build: jdk
	$(MVN) package -DskipTests

test: jdk
	@trap 'scripts/services.sh stop' EXIT; \
	scripts/services.sh start; \
	set -a; source target/services/env; set +a; \
	$(MVN) verify

run: build
	@trap 'scripts/services.sh stop' EXIT; \
	scripts/services.sh start; \
	set -a; source target/services/env; set +a; \
	java -Dquarkus.profile=dev -Dquarkus.http.port=$(PORT) -jar target/quarkus-app/quarkus-run.jar

services-start:
	scripts/services.sh start

services-stop:
	scripts/services.sh stop

clean:
	scripts/services.sh stop || true
	rm -rf target
