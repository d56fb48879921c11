#!/usr/bin/env bash
# Every test: build, lint, generated artifacts current, unit tests, then the Kafka tier against a local broker.
set -euo pipefail
cd "$(dirname "$0")/.."

export KAFKA_PORT="${KAFKA_PORT:-9092}"
started_kafka=0
cleanup() {
  if [ "$started_kafka" = 1 ]; then bash deploy/local/kafka.sh stop || true; fi
}
trap cleanup EXIT

step() { printf '\n== %s\n' "$*"; }

step "build"
npm run build

step "typecheck, tests included"
npx tsc -p tsconfig.json --noEmit

step "lint"
npx eslint .

step "the committed policy bundle is current"
bash deploy/local/opa.sh install
bash policy-worker/scripts/build-bundle.sh --check

step "the Python MCP client the integration tests drive the gateway with"
bash deploy/local/python-venv.sh install

step "start Kafka on 127.0.0.1:${KAFKA_PORT}"
if ! bash deploy/local/kafka.sh status >/dev/null 2>&1; then
  started_kafka=1
fi
bash deploy/local/kafka.sh start

step "tests"
npx vitest run
