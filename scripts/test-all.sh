#!/usr/bin/env bash
# The README's test command: sets up everything on a fresh machine, then runs every suite.
set -euo pipefail
cd "$(dirname "$0")/.."
export npm_config_update_notifier=false

step() { echo; echo "=== $* ==="; }

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

results_dir="$(mktemp -d)"
step "unit and property tests"
npx vitest run --reporter=default --reporter=json --outputFile="$results_dir/unit.json"

step "end-to-end tests against a real n8n"
bash scripts/test-e2e.sh --reporter=default --reporter=json --outputFile="$results_dir/e2e.json"

node scripts/test-summary.mjs "$results_dir"/*.json
