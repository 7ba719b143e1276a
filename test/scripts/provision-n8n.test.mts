// scripts/provision-n8n.sh, run the way `npm test` and `npm start` run it: as a child of npm, which
// exports the project's .npmrc (ignore-scripts=true) and the machine's (nodedir=/usr) as npm_config_*.
// The cache is SIGNED_WEBHOOKS_CACHE: an empty folder in CI (scripts/test-all.sh), so the first test
// is a fresh install there.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

import { describe, expect, it } from 'vitest';

const SCRIPT = path.resolve('scripts/provision-n8n.sh');
const N8N_VERSION = '2.41.1';
const INHERITED_NPM_SETTINGS = { npm_config_ignore_scripts: 'true', npm_config_nodedir: '/usr' };

interface Run {
	status: number | null;
	stdout: string;
	stderr: string;
	seconds: number;
}

function run(command: string, args: string[], env: NodeJS.ProcessEnv = {}, cwd?: string): Promise<Run> {
	const started = Date.now();
	return new Promise((resolve, reject) => {
		const child = spawn(command, args, { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
		let stdout = '';
		let stderr = '';
		child.stdout.on('data', (chunk) => (stdout += chunk));
		child.stderr.on('data', (chunk) => {
			stderr += chunk;
			process.stderr.write(chunk);
		});
		child.on('error', reject);
		child.on('close', (status) => resolve({ status, stdout, stderr, seconds: (Date.now() - started) / 1000 }));
	});
}

const provision = (env: NodeJS.ProcessEnv = {}) => run('bash', [SCRIPT], { ...INHERITED_NPM_SETTINGS, ...env });

function paths(stdout: string) {
	const node24Bin = /^NODE24_BIN=(.+)$/m.exec(stdout)?.[1] ?? '';
	const n8nBin = /^N8N_BIN=(.+)$/m.exec(stdout)?.[1] ?? '';
	return { node24Bin, n8nBin, n8nRoot: path.resolve(n8nBin, '../../../..') };
}

/** What failed on fresh machines: n8n opening its SQLite database, and an expression isolate. */
async function expectWorkingN8n(stdout: string) {
	const { node24Bin, n8nBin, n8nRoot } = paths(stdout);
	const userFolder = await fs.mkdtemp(path.join(os.tmpdir(), 'sw-provision-check-'));
	try {
		const listed = await run(node24Bin, [n8nBin, 'list:workflow'], {
			N8N_USER_FOLDER: userFolder,
			DB_TYPE: 'sqlite',
			N8N_DIAGNOSTICS_ENABLED: 'false',
			NODE_ENV: 'production',
		});
		expect(listed.stdout + listed.stderr).not.toMatch(/SQLite package has not been found/);
		expect(listed.status).toBe(0);
		expect(existsSync(path.join(userFolder, '.n8n', 'database.sqlite'))).toBe(true);

		const isolate = await run(
			node24Bin,
			['-e', 'const ivm = require("isolated-vm"); const i = new ivm.Isolate(); console.log(i.compileScriptSync("6 * 7").runSync(i.createContextSync())); i.dispose();'],
			{},
			path.join(n8nRoot, 'node_modules', 'n8n'),
		);
		expect(isolate.stdout.trim()).toBe('42');

		const version = await run(node24Bin, [n8nBin, '--version'], { N8N_USER_FOLDER: userFolder });
		expect(version.stdout.trim()).toBe(N8N_VERSION);
	} finally {
		await fs.rm(userFolder, { recursive: true, force: true });
	}
}

describe('provision-n8n.sh under npm with npm_config_ignore_scripts=true inherited', () => {
	let first: Run;

	it('installs (or checks) Node 24 and n8n, and the result opens SQLite, runs an isolate and answers --version', async () => {
		first = await provision();
		console.log(`provisioning took ${first.seconds.toFixed(1)} s`);
		expect(first.status).toBe(0);
		const { node24Bin, n8nRoot } = paths(first.stdout);
		expect((await run(node24Bin, ['--version'])).stdout.trim()).toMatch(/^v24\./);
		expect(existsSync(path.join(n8nRoot, 'node_modules', 'sqlite3', 'build', 'Release', 'node_sqlite3.node'))).toBe(true);
		await expectWorkingN8n(first.stdout);
	});

	it('a second run checks the cache, trusts it and installs nothing', async () => {
		const second = await provision();
		console.log(`second provisioning took ${second.seconds.toFixed(1)} s`);
		expect(second.status).toBe(0);
		expect(second.stdout).toBe(first.stdout);
		expect(second.stderr).not.toMatch(/installing|repairing|rebuilding/);
	});

	it('repairs a cache whose sqlite3 build was deleted, and says what happened', async () => {
		const { n8nRoot } = paths(first.stdout);
		await fs.rm(path.join(n8nRoot, 'node_modules', 'sqlite3', 'build'), { recursive: true, force: true });
		const repair = await provision();
		console.log(`repair took ${repair.seconds.toFixed(1)} s`);
		expect(repair.status).toBe(0);
		expect(repair.stderr).toMatch(/the cached n8n 2\.41\.1 failed its check \(sqlite3 does not load: .*\): repairing it/);
		expect(repair.stderr).toMatch(/repaired: sqlite3 and isolated-vm load/);
		await expectWorkingN8n(repair.stdout);
	});

	it('names the failed step and the command to retry', async () => {
		const cache = await fs.mkdtemp(path.join(os.tmpdir(), 'sw-provision-fail-'));
		try {
			const failed = await provision({ SIGNED_WEBHOOKS_CACHE: cache, N8N_VERSION: '0.0.0-does-not-exist' });
			expect(failed.status).not.toBe(0);
			expect(failed.stderr).toMatch(/FAILED at step 'install n8n 0\.0\.0-does-not-exist'/);
			expect(failed.stderr).toMatch(/retry with: bash scripts\/provision-n8n\.sh/);
			expect(failed.stdout).toBe('');
			expect(existsSync(path.join(cache, 'n8n-0.0.0-does-not-exist', '.ready'))).toBe(false);
		} finally {
			await fs.rm(cache, { recursive: true, force: true });
		}
	});
});
