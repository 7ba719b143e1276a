#!/usr/bin/env bash
# E2E tests against a real n8n: provision (idempotent, cached outside the repo), build, run vitest.
# Extra args go to vitest, e.g. `bash scripts/test-e2e.sh test/e2e/smoke.e2e.test.mts`.
set -euo pipefail
cd "$(dirname "$0")/.."

[ -d node_modules ] || npm ci
source scripts/lib/provisioned-n8n.sh
if [ "${E2E_SKIP_BUILD:-}" != "1" ]; then
  npm run build >&2
fi
exec npx vitest run -c vitest.e2e.config.mts "$@"
