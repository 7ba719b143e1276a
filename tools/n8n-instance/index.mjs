// Runs a real n8n (Node 24, SQLite) with this package installed as a community package: used by
// `npm start` (scripts/), the end-to-end tests (test/e2e/) and the benchmarks (bench/). Plain ESM so
// Node 20 scripts and vitest can both import it; its types are in index.d.mts beside it.
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import fs from 'node:fs/promises';
import { createRequire } from 'node:module';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const PACKAGE_NAME = 'n8n-nodes-signed-webhooks';
export const DEFAULT_OWNER = Object.freeze({
	email: 'owner@example.com',
	password: 'SignedWebhooks-dev-1',
	firstName: 'Local',
	lastName: 'Owner',
});
// Modules the package may require at run time that n8n provides (peer / host deps).
const HOST_MODULES = ['n8n-workflow', 'zod'];
const INSTALL_STAMP = '.signed-webhooks-install.json';
const IMPORT_STAMP = '.signed-webhooks-import.json';

/**
 * @typedef {{ node24Bin: string, n8nBin: string, n8nRoot: string }} N8nInstall
 *   n8nRoot is the prefix whose node_modules holds n8n and its dependencies.
 * @typedef {{ email: string, password: string, firstName?: string, lastName?: string }} Owner
 * @typedef {{
 *   userFolder: string, port?: number, workflows?: Array<object|string>,
 *   credentials?: Array<object|string>, env?: Record<string,string>, owner?: Owner,
 *   publish?: boolean | string[], log?: (line: string) => void, startTimeoutMs?: number,
 *   installPackage?: boolean, packageRoot?: string, onOutput?: (chunk: string) => void,
 *   onExit?: (code: number|null, signal: string|null) => void,
 * }} StartOptions
 *   installPackage: false runs plain n8n (only for harness checks before dist/ exists).
 *   packageRoot: the folder packed and installed (package.json + dist/); default this repo.
 *   publish: true (default) publishes every imported workflow; an array publishes those ids;
 *   false publishes none. Workflows without an id get one so callers can address them.
 */

let provisionPromise;
/**
 * Runs scripts/provision-n8n.sh (idempotent, self-checking) once per process, or trusts
 * NODE24_BIN/N8N_BIN. E2E_PROVISION_ERROR (set by the test command when its provisioning step
 * failed) fails at once instead of retrying a multi-minute install in every test file.
 */
export function provisionN8n() {
	provisionPromise ??= (async () => {
		if (process.env.E2E_PROVISION_ERROR) throw new Error(process.env.E2E_PROVISION_ERROR);
		let { NODE24_BIN: node24Bin, N8N_BIN: n8nBin } = process.env;
		if (!(node24Bin && n8nBin && existsSync(node24Bin) && existsSync(n8nBin))) {
			const { stdout } = await run('bash', [path.join(REPO_ROOT, 'scripts/provision-n8n.sh')], {
				stderrTo: process.stderr,
			}).catch((/** @type {Error} */ error) => {
				throw new Error(`provisioning failed: ${error.message.split('\n')[0]}`, { cause: error });
			});
			node24Bin = /^NODE24_BIN=(.*)$/m.exec(stdout)?.[1];
			n8nBin = /^N8N_BIN=(.*)$/m.exec(stdout)?.[1];
			if (!node24Bin || !n8nBin) throw new Error(`provision-n8n.sh printed no paths:\n${stdout}`);
		}
		// n8nBin = <root>/node_modules/n8n/bin/n8n
		const n8nRoot = path.resolve(n8nBin, '../../../..');
		return { node24Bin, n8nBin, n8nRoot };
	})();
	return provisionPromise;
}

/** @param {N8nInstall} install */
function n8nRequire(install) {
	return createRequire(path.join(install.n8nRoot, 'node_modules/n8n/dist/index.js'));
}

/** A TCP port that was free a moment ago. */
export async function getFreePort() {
	return await new Promise((resolve, reject) => {
		const srv = net.createServer();
		srv.unref();
		srv.on('error', reject);
		srv.listen(0, '127.0.0.1', () => {
			const { port } = /** @type {net.AddressInfo} */ (srv.address());
			srv.close(() => resolve(port));
		});
	});
}

/**
 * @param {string} cmd @param {string[]} args
 * @param {{ cwd?: string, env?: NodeJS.ProcessEnv, stderrTo?: NodeJS.WritableStream, onOutput?: (s: string) => void }} [opts]
 * @returns {Promise<{ stdout: string, stderr: string }>}
 */
function run(cmd, args, opts = {}) {
	return new Promise((resolve, reject) => {
		const child = spawn(cmd, args, { cwd: opts.cwd, env: opts.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
		let stdout = '';
		let stderr = '';
		child.stdout.on('data', (d) => {
			stdout += d;
			opts.onOutput?.(String(d));
		});
		child.stderr.on('data', (d) => {
			stderr += d;
			opts.onOutput?.(String(d));
			opts.stderrTo?.write(d);
		});
		child.on('error', reject);
		child.on('close', (code) => {
			if (code === 0) resolve({ stdout, stderr });
			else reject(new Error(`${cmd} ${args.join(' ')} exited ${code}\n${stdout}\n${stderr}`));
		});
	});
}

const sha256 = (/** @type {string|Buffer} */ s) => createHash('sha256').update(s).digest('hex');
const readJson = async (/** @type {string} */ p) => JSON.parse(await fs.readFile(p, 'utf8'));
const readJsonOr = async (/** @type {string} */ p, /** @type {any} */ dflt) => readJson(p).catch(() => dflt);
const sleep = (/** @type {number} */ ms) => new Promise((r) => setTimeout(r, ms));
const alnum = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
/** n8n-style 16-char id, so imported workflows/credentials have ids we know up front. */
export function newId() {
	return [...randomBytes(16)].map((b) => alnum[b % alnum.length]).join('');
}

/**
 * `npm pack`s the repo (dist/ must exist), or another folder holding its package.json and dist/,
 * and installs the tarball into <userFolder>/.n8n/nodes the way a community package lives there.
 * Skipped when the tarball is byte-identical to the last one.
 * @param {string} userFolder @param {N8nInstall} install @param {string} [packageRoot]
 */
export async function installPackage(userFolder, install, packageRoot = REPO_ROOT) {
	if (!existsSync(path.join(packageRoot, 'dist'))) throw new Error(`${path.join(packageRoot, 'dist')} missing: run \`npm run build\` first`);
	const nodesDir = path.join(userFolder, '.n8n', 'nodes');
	await fs.mkdir(nodesDir, { recursive: true });
	const packDir = await fs.mkdtemp(path.join(os.tmpdir(), 'sw-pack-'));
	try {
		const { stdout } = await run('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', packDir], {
			cwd: packageRoot,
		});
		const tgzName = JSON.parse(stdout)[0].filename;
		const tgz = await fs.readFile(path.join(packDir, tgzName));
		const hash = sha256(tgz);
		const stamp = await readJsonOr(path.join(nodesDir, INSTALL_STAMP), {});
		const pkgDir = path.join(nodesDir, 'node_modules', PACKAGE_NAME);
		if (stamp.sha256 !== hash || !existsSync(pkgDir)) {
			// Stable file name inside nodesDir: package.json must not point at a temp path.
			const localTgz = `${PACKAGE_NAME}.tgz`;
			await fs.writeFile(path.join(nodesDir, localTgz), tgz);
			const pj = await readJsonOr(path.join(nodesDir, 'package.json'), { name: 'installed-nodes', private: true });
			pj.dependencies = { ...pj.dependencies, [PACKAGE_NAME]: `file:${localTgz}` };
			await fs.writeFile(path.join(nodesDir, 'package.json'), JSON.stringify(pj, null, 2));
			// Same name+version with new bytes: npm may keep the old copy unless it is gone.
			await fs.rm(pkgDir, { recursive: true, force: true });
			// legacy-peer-deps: n8n-workflow is a peer n8n provides; npm must not fetch its own copy.
			await run(
				'npm',
				['install', '--ignore-scripts', '--omit=dev', '--legacy-peer-deps', '--no-audit', '--no-fund', '--no-package-lock'],
				{ cwd: nodesDir },
			);
		}
		await pinHostModules(pkgDir, install);
		await fs.writeFile(path.join(nodesDir, INSTALL_STAMP), JSON.stringify({ sha256: hash, file: tgzName }));
		return { nodesDir, pkgDir, tarball: tgzName, sha256: hash };
	} finally {
		await fs.rm(packDir, { recursive: true, force: true });
	}
}

/**
 * n8n lets community packages resolve n8n-workflow/zod through NODE_PATH, i.e. n8n's own copies.
 * When the user folder sits inside this repo (.n8n-local/), Node's upward node_modules walk hits
 * the repo's dev copies first. Symlink n8n's copies next to the package so it always gets n8n's.
 * @param {string} pkgDir @param {N8nInstall} install
 */
async function pinHostModules(pkgDir, install) {
	const req = n8nRequire(install);
	const nodeModules = path.dirname(pkgDir);
	for (const mod of HOST_MODULES) {
		const link = path.join(nodeModules, mod);
		const hostDir = hostModuleDir(req, mod);
		if (!hostDir) continue;
		const shadow = findUpwards(path.dirname(nodeModules), mod);
		const current = await fs.readlink(link).catch(() => null);
		if (!shadow && current === null) continue;
		if (current === hostDir) continue;
		await fs.rm(link, { recursive: true, force: true });
		await fs.symlink(hostDir, link, 'dir');
	}
}

/** @param {NodeRequire} req @param {string} mod */
function hostModuleDir(req, mod) {
	for (const base of req.resolve.paths(mod) ?? []) {
		const dir = path.join(base, mod);
		if (existsSync(path.join(dir, 'package.json'))) return dir;
	}
	return null;
}

/** First <ancestor>/node_modules/<mod> from dir upwards (what Node's resolver would hit). */
function findUpwards(/** @type {string} */ dir, /** @type {string} */ mod) {
	for (let d = dir; ; d = path.dirname(d)) {
		const candidate = path.join(d, 'node_modules', mod);
		if (existsSync(path.join(candidate, 'package.json'))) return candidate;
		if (path.dirname(d) === d) return null;
	}
}

/**
 * Where n8n-workflow and zod resolve from the installed package's compiled files, using the
 * NODE_PATH n8n sets in LoadNodesAndCredentials.init (module.paths of that file). Runs in Node 24.
 * @param {string} userFolder @param {N8nInstall} install
 */
export async function checkModuleResolution(userFolder, install) {
	const pkgDir = path.join(userFolder, '.n8n', 'nodes', 'node_modules', PACKAGE_NAME);
	const loaderFile = path.join(install.n8nRoot, 'node_modules/n8n/dist/load-nodes-and-credentials.js');
	const script = `
		const Module = require('module'), path = require('path'), fs = require('fs');
		process.env.NODE_PATH = Module._nodeModulePaths(path.dirname(${JSON.stringify(loaderFile)})).join(':');
		Module._initPaths();
		const hostReq = Module.createRequire(${JSON.stringify(loaderFile)});
		const pkgReq = Module.createRequire(path.join(${JSON.stringify(pkgDir)}, 'dist', 'index.js'));
		const out = {};
		for (const m of ${JSON.stringify(HOST_MODULES)}) {
			const r = {};
			try { r.fromPackage = fs.realpathSync(pkgReq.resolve(m)); } catch (e) { r.error = e.code || String(e); }
			try { r.fromN8n = fs.realpathSync(hostReq.resolve(m)); } catch (e) { r.n8nError = e.code || String(e); }
			try { pkgReq(m); r.requireOk = true; } catch (e) { r.requireOk = false; r.requireError = String(e.message).split('\\n')[0]; }
			r.same = !!r.fromPackage && r.fromPackage === r.fromN8n;
			out[m] = r;
		}
		process.stdout.write(JSON.stringify(out));`;
	const { stdout } = await run(install.node24Bin, ['-e', script]);
	return JSON.parse(stdout);
}

/**
 * Production webhooks n8n has registered (its webhook_entity table), with their URLs. Read via
 * Node 24 because n8n's sqlite3 build crashes Node 20.
 * @param {string} userFolder @param {N8nInstall} install @param {string} baseUrl
 * @returns {Promise<Array<{ workflowId: string, node: string, method: string, path: string, webhookId: string|null, url: string }>>}
 */
export async function listWebhooks(userFolder, install, baseUrl) {
	const dbFile = path.join(userFolder, '.n8n', 'database.sqlite');
	const script = `
		const sqlite3 = require(${JSON.stringify(path.join(install.n8nRoot, 'node_modules/sqlite3'))});
		const db = new sqlite3.Database(${JSON.stringify(dbFile)}, sqlite3.OPEN_READONLY);
		db.all('SELECT workflowId, node, method, webhookPath, webhookId FROM webhook_entity ORDER BY workflowId, node', (err, rows) => {
			if (err) { console.error(err.message); process.exit(1); }
			process.stdout.write(JSON.stringify(rows));
			db.close();
		});`;
	const { stdout } = await run(install.node24Bin, ['-e', script]);
	return JSON.parse(stdout).map((/** @type {any} */ r) => ({
		workflowId: r.workflowId,
		node: r.node,
		method: r.method,
		path: r.webhookPath,
		webhookId: r.webhookId,
		// Static paths are stored whole; dynamic ones (with :params) are served under the webhookId.
		url: `${baseUrl}/webhook/${r.webhookId ? `${r.webhookId}/` : ''}${r.webhookPath}`,
	}));
}

/**
 * A migrated, empty `.n8n` (SQLite DB + config with encryption key) kept next to the cached n8n.
 * Copying it into a fresh user folder skips ~3 s of migrations on every new test instance.
 * @param {N8nInstall} install
 */
async function userFolderTemplate(install) {
	const dir = path.join(install.n8nRoot, '.user-folder-template');
	if (existsSync(path.join(dir, '.n8n', 'database.sqlite'))) return dir;
	const tmp = await fs.mkdtemp(path.join(install.n8nRoot, '.tpl-'));
	/** @type {NodeJS.ProcessEnv} */
	const env = { ...process.env, NODE_ENV: 'production', N8N_USER_FOLDER: tmp, N8N_DIAGNOSTICS_ENABLED: 'false', DB_TYPE: 'sqlite' };
	delete env.N8N_ENCRYPTION_KEY;
	await run(install.node24Bin, [install.n8nBin, 'list:workflow'], { cwd: tmp, env });
	await fs.rename(tmp, dir).catch(() => fs.rm(tmp, { recursive: true, force: true })); // lost a race: fine
	return dir;
}

/** @param {string} userFolder @param {N8nInstall} install */
async function seedUserFolder(userFolder, install) {
	const target = path.join(userFolder, '.n8n');
	if (existsSync(path.join(target, 'database.sqlite')) || existsSync(path.join(target, 'config'))) return false;
	const template = path.join(await userFolderTemplate(install), '.n8n');
	await fs.mkdir(target, { recursive: true });
	for (const f of await fs.readdir(template)) {
		if (f === 'config' || f.startsWith('database.sqlite')) await fs.copyFile(path.join(template, f), path.join(target, f));
	}
	await fs.chmod(path.join(target, 'config'), 0o600);
	return true;
}

const hashCache = new Map();
/** bcrypt hash with n8n's own bcryptjs (no extra dependency); memoized per password. */
export async function ownerPasswordHash(/** @type {string} */ password, /** @type {N8nInstall} */ install) {
	if (!hashCache.has(password)) hashCache.set(password, await n8nRequire(install)('bcryptjs').hash(password, 10));
	return hashCache.get(password);
}

/** @param {any} item @param {string} kind */
async function loadItems(item, kind) {
	const value = typeof item === 'string' ? await readJson(path.resolve(item)) : item;
	const list = Array.isArray(value) ? value : [value];
	for (const x of list) if (!x || typeof x !== 'object') throw new Error(`invalid ${kind}: ${JSON.stringify(x)}`);
	return list;
}

/**
 * Env shared by `n8n start` and the import CLI commands (and by tools/queue-mode's webhook and
 * worker processes).
 * @param {{ install: N8nInstall, userFolder: string, port: number, brokerPort: number, owner: Owner, env?: Record<string,string> }} o
 */
export async function n8nEnv({ install, userFolder, port, brokerPort, owner, env }) {
	/** @type {NodeJS.ProcessEnv} */
	const base = { ...process.env };
	// vitest sets NODE_ENV=test, which makes n8n refuse to load nodes ("Not available in tests").
	for (const k of Object.keys(base)) if (/^(VITEST|NODE_OPTIONS$|NODE_ENV$|N8N_|DB_|WEBHOOK_URL$|NODE24_BIN$|N8N_BIN$)/.test(k)) delete base[k];
	return {
		...base,
		PATH: `${path.dirname(install.node24Bin)}${path.delimiter}${process.env.PATH ?? ''}`,
		NODE_ENV: 'production',
		N8N_USER_FOLDER: userFolder,
		N8N_PORT: String(port),
		N8N_LISTEN_ADDRESS: '127.0.0.1',
		N8N_HOST: 'localhost',
		N8N_PROTOCOL: 'http',
		N8N_WEBHOOK_URL: `http://localhost:${port}/`,
		N8N_EDITOR_BASE_URL: `http://localhost:${port}/`,
		N8N_SECURE_COOKIE: 'false',
		DB_TYPE: 'sqlite',
		N8N_RUNNERS_BROKER_PORT: String(brokerPort),
		N8N_DIAGNOSTICS_ENABLED: 'false',
		N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
		N8N_TEMPLATES_ENABLED: 'false',
		N8N_PERSONALIZATION_ENABLED: 'false',
		// Test receivers and the example targets live on 127.0.0.1.
		N8N_SSRF_PROTECTION_ENABLED: 'false',
		N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS: 'true',
		// Explicit to silence the deprecation notice; the package is installed unverified.
		N8N_UNVERIFIED_PACKAGES_ENABLED: 'true',
		N8N_INSTANCE_OWNER_MANAGED_BY_ENV: 'true',
		N8N_INSTANCE_OWNER_EMAIL: owner.email,
		N8N_INSTANCE_OWNER_FIRST_NAME: owner.firstName ?? DEFAULT_OWNER.firstName,
		N8N_INSTANCE_OWNER_LAST_NAME: owner.lastName ?? DEFAULT_OWNER.lastName,
		N8N_INSTANCE_OWNER_PASSWORD_HASH: await ownerPasswordHash(owner.password, install),
		// Fallback poll only; publishing normally wakes the outbox consumer directly.
		N8N_WORKFLOW_PUBLICATION_OUTBOX_POLL_INTERVAL_MS: '1000',
		N8N_LOG_LEVEL: 'info',
		N8N_LOG_OUTPUT: 'console',
		NO_COLOR: '1',
		...env,
	};
}

/** Instances still running; killed if the parent process exits without stop(). */
const live = new Set();
process.once('exit', () => {
	for (const child of live) killGroup(child, 'SIGKILL');
});
function killGroup(/** @type {import('node:child_process').ChildProcess} */ child, /** @type {NodeJS.Signals} */ sig) {
	try {
		// detached => own process group: also reaches n8n's task-runner children.
		process.kill(-(/** @type {number} */ (child.pid)), sig);
	} catch {}
}

/**
 * `n8n <args>` in its own process group, killed if this process exits first.
 * @param {N8nInstall} install @param {string[]} args
 * @param {{ cwd: string, env: NodeJS.ProcessEnv, onOutput: (s: string) => void }} o
 */
export function spawnN8n(install, args, o) {
	const proc = spawn(install.node24Bin, [install.n8nBin, ...args], { cwd: o.cwd, env: o.env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
	live.add(proc);
	proc.stdout?.on('data', (d) => o.onOutput(String(d)));
	proc.stderr?.on('data', (d) => o.onOutput(String(d)));
	proc.on('exit', () => live.delete(proc));
	return proc;
}

/**
 * SIGTERM (n8n shuts down gracefully), SIGKILL after 30 s; then whatever is left of its group.
 * @param {import('node:child_process').ChildProcess} proc
 */
export async function stopN8nProcess(proc) {
	if (proc.exitCode !== null || proc.signalCode !== null) return killGroup(proc, 'SIGKILL');
	const exited = new Promise((r) => proc.once('exit', r));
	killGroup(proc, 'SIGTERM');
	const timer = setTimeout(() => killGroup(proc, 'SIGKILL'), 30_000);
	await exited;
	clearTimeout(timer);
	// Task runner children share the group; make sure none outlive n8n.
	killGroup(proc, 'SIGKILL');
}

/**
 * Packs + installs the package, imports credentials/workflows, starts n8n and logs in. A failure is
 * logged to a file and listed in E2E_LOG_DIR/n8n-start-failures.jsonl, so the test command's summary
 * can say that n8n did not start instead of leaving only tests skipped under a failed beforeAll.
 * @param {StartOptions} options
 */
export async function startN8n(options) {
	try {
		return await launchN8n(options);
	} catch (error) {
		throw await recordStartFailure(error);
	}
}

/** @param {unknown} error @returns {Promise<Error>} */
async function recordStartFailure(error) {
	const message = error instanceof Error ? error.message : String(error);
	const logDir = process.env.E2E_LOG_DIR ?? path.join(os.tmpdir(), 'signed-webhooks-e2e-logs');
	await fs.mkdir(logDir, { recursive: true });
	const logFile = path.join(logDir, `n8n-start-failure-${process.pid}-${Date.now()}.log`);
	await fs.writeFile(logFile, message);
	const reason = message.split('\n')[0];
	await fs.appendFile(path.join(logDir, 'n8n-start-failures.jsonl'), `${JSON.stringify({ reason, logFile })}\n`);
	return new Error(`n8n did not start: ${reason} (see ${logFile})`, { cause: error });
}

/** @param {StartOptions} options */
async function launchN8n(options) {
	const t0 = Date.now();
	const install = await provisionN8n();
	const userFolder = path.resolve(options.userFolder);
	const port = options.port ?? 5678;
	const owner = { ...DEFAULT_OWNER, ...options.owner };
	const baseUrl = `http://localhost:${port}`;
	const log = options.log ?? (() => {});
	let output = '';
	const capture = (/** @type {string} */ s) => {
		output += s;
		options.onOutput?.(s);
	};
	const timings = /** @type {Record<string, number>} */ ({});
	const mark = (/** @type {string} */ k, /** @type {number} */ since) => (timings[k] = Date.now() - since);

	await fs.mkdir(userFolder, { recursive: true });
	const dbExisted = existsSync(path.join(userFolder, '.n8n', 'database.sqlite'));
	let t = Date.now();
	// A caller-chosen encryption key would not match the template's config.
	if (!options.env?.N8N_ENCRYPTION_KEY) timings.seededFromTemplate = Number(await seedUserFolder(userFolder, install));
	mark('seedMs', t);
	t = Date.now();
	const pkg = options.installPackage === false ? null : await installPackage(userFolder, install, options.packageRoot);
	mark('installPackageMs', t);

	const brokerPort = await getFreePort();
	const env = await n8nEnv({ install, userFolder, port, brokerPort, owner, env: options.env });
	const cli = async (/** @type {string[]} */ args) => {
		log(`n8n ${args.join(' ')}`);
		const r = await run(install.node24Bin, [install.n8nBin, ...args], { cwd: userFolder, env, onOutput: capture });
		const all = r.stdout + r.stderr;
		// Some n8n commands log an error and still exit 0. (Offline lookups of api.n8n.io are noise.)
		const relevant = all.split('\n').filter((l) => !/ENOTFOUND|api\.n8n\.io/.test(l)).join('\n');
		if (/An error occurred|Error updating database|^Error:/m.test(relevant)) throw new Error(`n8n ${args.join(' ')} failed:\n${all}`);
		return all;
	};

	// Import: credentials first (workflows reference them), all in one CLI call each.
	const credentials = (await Promise.all((options.credentials ?? []).map((c) => loadItems(c, 'credential')))).flat();
	const workflows = (await Promise.all((options.workflows ?? []).map((w) => loadItems(w, 'workflow')))).flat();
	const importStampPath = path.join(userFolder, IMPORT_STAMP);
	const stamp = dbExisted ? await readJsonOr(importStampPath, {}) : {};
	const importDigest = sha256(JSON.stringify({ credentials, workflows, publish: options.publish ?? true }));
	/** @type {Array<{ id: string, name: string }>} */
	let importedWorkflows = stamp.workflows ?? [];
	/** @type {Array<{ id: string, name: string }>} */
	let importedCredentials = stamp.credentials ?? [];
	/** @type {string[]} */
	let toPublish = stamp.publish ?? [];
	t = Date.now();
	if (stamp.digest !== importDigest) {
		const tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'sw-import-'));
		try {
			const prevCredIds = new Map((stamp.credentials ?? []).map((/** @type {any} */ c) => [c.name, c.id]));
			const creds = credentials.map((c) => ({ ...c, id: c.id ?? prevCredIds.get(c.name) ?? newId() }));
			if (creds.length) {
				const file = path.join(tmp, 'credentials.json');
				await fs.writeFile(file, JSON.stringify(creds));
				await cli(['import:credentials', `--input=${file}`]);
			}
			// Re-imports into the same folder keep ids (by name) so they update rather than duplicate.
			const prevIds = new Map((stamp.workflows ?? []).map((/** @type {any} */ w) => [w.name, w.id]));
			const wfs = workflows.map((w) => ({ ...w, id: w.id ?? prevIds.get(w.name) ?? newId() }));
			if (wfs.length) {
				const file = path.join(tmp, 'workflows.json');
				await fs.writeFile(file, JSON.stringify(wfs));
				await cli(['import:workflow', `--input=${file}`]);
			}
			importedWorkflows = wfs.map((w) => ({ id: w.id, name: w.name }));
			const publish = options.publish ?? true;
			toPublish = publish === true ? wfs.map((w) => w.id) : publish === false ? [] : publish;
			// Published via REST after start (one request each) instead of one ~CLI boot per workflow.
			importedCredentials = creds.map((c) => ({ id: c.id, name: c.name }));
			// Workflows imported before but gone now would keep their webhooks (and conflict).
			// Only ones this harness imported: the user's own workflows in the folder are left alone.
			/** @type {string[]} */
			const everImported = [...new Set([...(stamp.everImported ?? []), ...(stamp.workflows ?? []).map((/** @type {any} */ w) => w.id)])];
			const unpublish = everImported.filter((id) => !wfs.some((w) => w.id === id));
			await fs.writeFile(
				importStampPath,
				JSON.stringify({
					digest: importDigest,
					workflows: importedWorkflows,
					credentials: importedCredentials,
					publish: toPublish,
					unpublish,
					everImported: [...new Set([...everImported, ...wfs.map((w) => w.id)])],
					published: false,
				}),
			);
		} finally {
			await fs.rm(tmp, { recursive: true, force: true });
		}
	}
	mark('importMs', t);

	/** @type {import('node:child_process').ChildProcess | undefined} */
	let child;
	let cookie = '';
	const browserId = newId();

	async function spawnAndWait() {
		const ts = Date.now();
		const outputStart = output.length;
		const proc = spawnN8n(install, ['start'], { cwd: userFolder, env, onOutput: capture });
		child = proc;
		let exited = /** @type {string|null} */ (null);
		proc.on('exit', (code, sig) => {
			exited = `n8n exited (code ${code}, signal ${sig})`;
			if (child === proc) options.onExit?.(code, sig);
		});
		const deadline = Date.now() + (options.startTimeoutMs ?? 180_000);
		for (;;) {
			if (exited) throw new Error(`${exited} before becoming ready:\n${output.slice(-4000)}`);
			if (Date.now() > deadline) throw new Error(`n8n not ready after ${options.startTimeoutMs ?? 180_000} ms:\n${output.slice(-4000)}`);
			// readiness turns 200 before published workflows are activated; n8n prints this line after.
			const initDone = output.indexOf('Editor is now accessible via', outputStart) !== -1;
			const ok = initDone && (await fetch(`${baseUrl}/healthz/readiness`).then((r) => r.ok, () => false));
			if (ok) break;
			await sleep(200);
		}
		mark('readyMs', ts);
		// n8n keeps running without a package it could not load; fail here, not in a later 404.
		const loadError = output.slice(outputStart).match(new RegExp(`Failed to load package "${PACKAGE_NAME}"[^\\n]*\\n[^\\n]*`));
		if (pkg && loadError) throw new Error(`n8n could not load the package:\n${loadError[0]}`);
		await login();
	}

	async function login() {
		const res = await fetch(`${baseUrl}/rest/login`, {
			method: 'POST',
			headers: { 'content-type': 'application/json', 'browser-id': browserId },
			body: JSON.stringify({ emailOrLdapLoginId: owner.email, password: owner.password }),
		});
		if (!res.ok) throw new Error(`login failed: ${res.status} ${await res.text()}`);
		const setCookie = res.headers.getSetCookie().find((c) => c.startsWith('n8n-auth='));
		if (!setCookie) throw new Error('login returned no n8n-auth cookie');
		cookie = setCookie.split(';')[0];
	}

	/**
	 * Authenticated call to n8n's internal REST API; unwraps n8n's `{ data }` envelope.
	 * @param {string} method @param {string} urlPath e.g. '/rest/workflows' @param {unknown} [body]
	 */
	async function rest(method, urlPath, body) {
		const res = await fetch(`${baseUrl}${urlPath}`, {
			method,
			headers: {
				cookie,
				'browser-id': browserId,
				...(body === undefined ? {} : { 'content-type': 'application/json' }),
			},
			body: body === undefined ? undefined : JSON.stringify(body),
		});
		const text = await res.text();
		let json;
		try {
			json = text ? JSON.parse(text) : undefined;
		} catch {
			json = undefined;
		}
		if (!res.ok) {
			const err = new Error(`${method} ${urlPath} -> ${res.status}: ${text.slice(0, 500)}`);
			Object.assign(err, { status: res.status, body: json ?? text });
			throw err;
		}
		return json && typeof json === 'object' && 'data' in json ? json.data : (json ?? text);
	}

	/**
	 * Publishes the current version and waits until n8n reports it live. 2.x publishes through an
	 * outbox consumer, so the REST call returns before webhooks are registered.
	 * @param {string} id @param {{ timeoutMs?: number }} [o]
	 */
	async function activateWorkflow(id, o = {}) {
		const wf = await rest('GET', `/rest/workflows/${id}`);
		await rest('POST', `/rest/workflows/${id}/activate`, { versionId: wf.versionId });
		return await waitForPublication(id, (st) => st.status !== 'in_progress' && st.liveVersionId === wf.versionId, o.timeoutMs);
	}
	/** @param {string} id @param {{ timeoutMs?: number }} [o] */
	async function deactivateWorkflow(id, o = {}) {
		await rest('POST', `/rest/workflows/${id}/deactivate`, {});
		return await waitForPublication(id, (st) => st.status === 'not_published', o.timeoutMs);
	}
	/** @param {string} id @param {(st: any) => boolean} done @param {number} [timeoutMs] */
	async function waitForPublication(id, done, timeoutMs = 30_000) {
		const deadline = Date.now() + timeoutMs;
		for (;;) {
			const st = await rest('GET', `/rest/workflows/${id}/publication-status`);
			if (st.status === 'failed' || st.status === 'partial') {
				throw new Error(`publishing ${id} ${st.status}: ${JSON.stringify(st.triggers)}`);
			}
			if (done(st)) return st;
			if (Date.now() > deadline) throw new Error(`publication of ${id} not settled: ${JSON.stringify(st)}`);
			await sleep(100);
		}
	}

	/**
	 * Every execution, running ones included, each once. n8n's cursor cannot be trusted for this: it
	 * sorts by startedAt but pages by id (execution-list-v1.service.js), so where executions start out
	 * of id order (queue mode, concurrency) a page skips some and repeats others. Pages go by
	 * startedBefore (inclusive) instead, keyed by id.
	 */
	async function listExecutions(/** @type {string|undefined} */ workflowId) {
		const byId = new Map();
		for (let startedBefore; ; ) {
			const filter = encodeURIComponent(JSON.stringify({ ...(workflowId ? { workflowId } : {}), ...(startedBefore ? { startedBefore } : {}) }));
			const page = await rest('GET', `/rest/executions?filter=${filter}&limit=100`);
			const before = byId.size;
			for (const execution of page.results) byId.set(execution.id, execution);
			if (!page.nextCursor || byId.size === before) return [...byId.values()];
			startedBefore = page.results[page.results.length - 1].startedAt;
		}
	}

	/** Full execution with `data` decoded (n8n stores/returns it as a flatted string). */
	async function getExecution(/** @type {string} */ id) {
		const exec = await rest('GET', `/rest/executions/${id}`);
		if (exec && typeof exec.data === 'string') exec.data = n8nRequire(install)('flatted').parse(exec.data);
		return exec;
	}

	/**
	 * Polls until `count` finished executions exist for the workflow; returns them decoded, oldest first.
	 * @param {string} workflowId @param {{ count?: number, timeoutMs?: number }} [o]
	 */
	async function waitForExecutions(workflowId, o = {}) {
		const count = o.count ?? 1;
		const deadline = Date.now() + (o.timeoutMs ?? 30_000);
		for (;;) {
			const list = await listExecutions(workflowId);
			const done = list.filter((/** @type {any} */ e) => !['new', 'running', 'waiting'].includes(e.status));
			if (done.length >= count) {
				const sorted = done.sort((/** @type {any} */ a, /** @type {any} */ b) => Number(a.id) - Number(b.id));
				return await Promise.all(sorted.map((/** @type {any} */ e) => getExecution(e.id)));
			}
			if (Date.now() > deadline) throw new Error(`only ${done.length}/${count} executions of ${workflowId} after ${o.timeoutMs ?? 30_000} ms`);
			await sleep(200);
		}
	}

	async function stop() {
		const proc = child;
		child = undefined;
		if (proc) await stopN8nProcess(proc);
	}

	async function restart() {
		await stop();
		await spawnAndWait();
	}

	try {
		await spawnAndWait();
		// Publish after the first start following an import; later starts re-activate from the DB.
		const st = await readJsonOr(importStampPath, {});
		if (st.digest === importDigest && !st.published) {
			t = Date.now();
			for (const id of st.unpublish ?? []) await deactivateWorkflow(id).catch(() => {});
			for (const id of toPublish) await activateWorkflow(id);
			await fs.writeFile(importStampPath, JSON.stringify({ ...st, published: true }));
			mark('publishMs', t);
		}
	} catch (err) {
		await stop();
		throw err;
	}
	mark('totalStartMs', t0);

	return {
		baseUrl,
		port,
		userFolder,
		owner,
		install,
		package: pkg,
		workflows: importedWorkflows,
		credentials: importedCredentials,
		timings,
		stop,
		restart,
		rest,
		login,
		listExecutions,
		getExecution,
		waitForExecutions,
		activateWorkflow,
		deactivateWorkflow,
		/** Production URL: /webhook/<webhookId>/<path>, or /webhook/<path> when webhookId is null. */
		webhookUrl: (/** @type {string|null|undefined} */ webhookId, /** @type {string|undefined} */ p) =>
			`${baseUrl}/webhook/${[webhookId, p?.replace(/^\/+/, '')].filter(Boolean).join('/')}`,
		/** Everything n8n (start + import CLI) printed so far, for secret-leak checks. */
		logs: () => output,
		checkModuleResolution: () => checkModuleResolution(userFolder, install),
		/** Registered production webhooks (optionally of one workflow) with their URLs. */
		listWebhooks: async (/** @type {string|undefined} */ workflowId) =>
			(await listWebhooks(userFolder, install, baseUrl)).filter((w) => !workflowId || w.workflowId === workflowId),
		get pid() {
			return child?.pid;
		},
	};
}
