#!/usr/bin/env bash
# `npm start`: install dev deps if needed, build, provision Node 24 + n8n (cached outside the repo),
# then run n8n on localhost:5678 with this package and examples/ imported (scripts/start.mjs).
# Env: N8N_PORT (5678), N8N_OWNER_EMAIL, N8N_OWNER_PASSWORD; other N8N_* pass through to n8n.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -d node_modules ]; then
  echo "[start] npm ci" >&2
  npm ci
fi
echo "[start] npm run build" >&2
npm run build >&2
source scripts/lib/provisioned-n8n.sh
exec node scripts/start.mjs "$@"
