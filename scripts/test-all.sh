#!/usr/bin/env bash
# The README's test command: sets up everything on a fresh machine, then runs every suite and ends
# with a summary whose first lines say what went wrong and whose last line is "N passed, N failed".
#
# With CI=true (or SIGNED_WEBHOOKS_FRESH_CACHE=1) Node 24 and n8n are provisioned into an empty
# temporary cache folder, with an empty npm cache, the way a fresh machine does it; that folder
# (about 3 GB) is removed at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
export npm_config_update_notifier=false

step() { echo; echo "=== $* ($(date -u +%T)) ==="; }

results_dir="$(mktemp -d)"
export E2E_LOG_DIR="$results_dir"
cleanup() {
	[ -z "${fresh_cache:-}" ] || rm -rf "$fresh_cache"
}
trap cleanup EXIT

step "install (npm ci)"
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
	npm ci --no-audit --no-fund
fi

step "build"
npm run build

step "lint (strict, 0 errors and 0 warnings)"
lint_output=$(npm run --silent lint 2>&1) || { echo "$lint_output"; exit 1; }
echo "$lint_output" | tail -5
if echo "$lint_output" | grep -Eq '[0-9]+ problems?|warning'; then
	echo "$lint_output"; echo "lint reported problems"; exit 1
fi

step "type-check tests and test tools"
npm run --silent typecheck:test

# Runs one vitest suite into <results>/<name>.json; a run that leaves no report is a failure too.
run_suite() {
	local name=$1
	shift
	local status=0
	"$@" --reporter=default --reporter=json --outputFile="$results_dir/$name.json" || status=$?
	if [ ! -s "$results_dir/$name.json" ]; then
		echo "$name: the test runner exited $status without a report (see its output above)" > "$results_dir/$name.failed"
	fi
}

step "unit and property tests"
run_suite unit npx vitest run

if [ "${CI:-}" = "true" ] || [ "${SIGNED_WEBHOOKS_FRESH_CACHE:-}" = "1" ]; then
	fresh_cache="$(mktemp -d "${TMPDIR:-/tmp}/signed-webhooks-fresh-cache.XXXXXX")"
	export SIGNED_WEBHOOKS_CACHE="$fresh_cache"
	export SIGNED_WEBHOOKS_NPM_CACHE="$fresh_cache/npm-cache"
	echo "fresh path: Node 24 and n8n go into the empty folder $fresh_cache (removed at the end)"
fi

step "provisioning Node 24 + n8n (cache: ${SIGNED_WEBHOOKS_CACHE:-default})"
run_suite provisioning npx vitest run -c vitest.provisioning.config.mts
if provisioned=$(bash scripts/provision-n8n.sh 2>"$results_dir/provision.log"); then
	eval "$provisioned"
	export NODE24_BIN N8N_BIN
else
	cat "$results_dir/provision.log"
	reason=$(grep -m1 'FAILED at step' "$results_dir/provision.log" || tail -n 1 "$results_dir/provision.log")
	echo "end-to-end: n8n could not be provisioned: $reason (see $results_dir/provision.log)" > "$results_dir/provision.failed"
	export E2E_PROVISION_ERROR="provisioning failed: $reason"
fi

step "end-to-end tests against a real n8n"
E2E_SKIP_BUILD=1 run_suite e2e bash scripts/test-e2e.sh

step "queue mode: main, 2 webhook processes behind nginx, a worker, Redis and Postgres"
run_suite queue npx vitest run -c vitest.queue.config.mts

node scripts/test-summary.mjs "$results_dir"
