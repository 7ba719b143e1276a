// A real n8n for B2/B3, over tools/n8n-instance (the harness npm start and the e2e tests use):
// a throw-away user folder, workflow fixtures from bench/workflows with %PLACEHOLDERS%, exact
// execution counts, execution polling and the n8n process's RSS.
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { getFreePort, newId, provisionN8n, startN8n } from '../../tools/n8n-instance/index.mjs';

const WORKFLOWS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../workflows');
/** Diagnostics only: BENCH_EXPRESSION_ENGINE=legacy|vm|quickjs sets n8n's N8N_EXPRESSION_ENGINE. */
const ENGINE = process.env.BENCH_EXPRESSION_ENGINE;
const EXTRA_ENV = ENGINE ? { N8N_EXPRESSION_ENGINE: ENGINE } : {};
export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** A fixture with every "%NAME%" string (whole or inside) replaced by vars.NAME. */
export function loadWorkflow(file, vars) {
	const text = readFileSync(path.join(WORKFLOWS_DIR, file), 'utf8');
	const replaced = text.replace(/%([A-Z_]+)%/g, (whole, name) => {
		if (!(name in vars)) throw new Error(`${file}: no value for ${whole}`);
		return String(vars[name]).replace(/["\\]/g, '\\$&');
	});
	return JSON.parse(replaced);
}

export function newWebhookId() {
	return randomUUID();
}

export function newCredentialId() {
	return newId();
}

export async function n8nVersion() {
	const install = await provisionN8n();
	const pkg = JSON.parse(await fs.readFile(path.join(install.n8nRoot, 'node_modules/n8n/package.json'), 'utf8'));
	const node = await new Promise((resolve) => {
		import('node:child_process').then(({ execFile }) =>
			execFile(install.node24Bin, ['--version'], (error, stdout) => resolve(error ? 'unknown' : stdout.trim())),
		);
	});
	return { n8n: pkg.version, n8nNode: node, expressionEngine: ENGINE ?? 'default' };
}

/**
 * Starts n8n in a temporary user folder; `close()` stops it and removes the folder.
 * `packageRoot`: install that copy of the package instead of this repo (see package-variant.mjs).
 */
export async function startBenchN8n(label, { workflows, credentials, env = {}, packageRoot }) {
	const userFolder = await fs.mkdtemp(path.join(os.tmpdir(), `sw-bench-${label}-`));
	let n8n;
	try {
		n8n = await startN8n({
			userFolder,
			port: await getFreePort(),
			workflows,
			credentials,
			env: { ...EXTRA_ENV, ...env },
			packageRoot,
			startTimeoutMs: 300_000,
		});
	} catch (error) {
		await fs.rm(userFolder, { recursive: true, force: true });
		throw error;
	}
	const { workflowId, executionCount, settle } = executionQueries(n8n);

	/** Newest execution of the workflow (summary), or undefined. */
	async function newestExecution(name) {
		const filter = encodeURIComponent(JSON.stringify({ workflowId: workflowId(name) }));
		const page = await n8n.rest('GET', `/rest/executions?filter=${filter}&limit=1`);
		return page.results[0];
	}

	/**
	 * POSTs `body` to the workflow's start webhook and polls until its new execution has finished.
	 * Returns wall seconds (POST to finished seen, polled every `pollMs`) and the decoded execution.
	 */
	async function runViaWebhook(name, webhookUrl, body, { timeoutMs = 600_000, pollMs = 100, onPoll } = {}) {
		const before = Number((await newestExecution(name))?.id ?? 0);
		const started = performance.now();
		const response = await fetch(webhookUrl, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify(body),
		});
		if (!response.ok) throw new Error(`start webhook answered ${response.status}: ${await response.text()}`);
		await response.text();
		const deadline = Date.now() + timeoutMs;
		for (;;) {
			const newest = await newestExecution(name);
			if (newest && Number(newest.id) > before && !['new', 'running', 'waiting'].includes(newest.status)) {
				const seconds = (performance.now() - started) / 1000;
				return { seconds, execution: await n8n.getExecution(newest.id) };
			}
			if (Date.now() > deadline) throw new Error(`execution of ${name} not finished after ${timeoutMs} ms`);
			await onPoll?.();
			await sleep(pollMs);
		}
	}

	return {
		n8n,
		workflowId,
		executionCount,
		settle,
		runViaWebhook,
		webhookUrl: (webhookId, p) => n8n.webhookUrl(webhookId, p),
		/**
		 * Expression isolates taken so far: n8n's own counter of bridges acquired from its pool
		 * (each is disposed on release, so one acquisition is one isolate built). Needs N8N_METRICS=true.
		 */
		isolatesAcquired: async () => {
			const response = await fetch(new URL('/metrics', n8n.baseUrl));
			const text = await response.text();
			const line = /^n8n_expression_pool_acquired_total\s+(\d+)/m.exec(text);
			if (!line) throw new Error('n8n /metrics has no n8n_expression_pool_acquired_total (N8N_METRICS=true?)');
			return Number(line[1]);
		},
		/** VmRSS of the n8n main process, in MB. */
		rssMb: async () => {
			const status = await fs.readFile(`/proc/${n8n.pid}/status`, 'utf8');
			return Number(/^VmRSS:\s+(\d+) kB/m.exec(status)[1]) / 1024;
		},
		async close() {
			await n8n.stop();
			await fs.rm(userFolder, { recursive: true, force: true });
		},
	};
}

/**
 * Execution counts of a running n8n (a single instance, or queue mode's main) from its REST API,
 * by workflow name.
 */
export function executionQueries(n8n) {
	const ids = new Map(n8n.workflows.map((w) => [w.name, w.id]));
	const workflowId = (name) => {
		const id = ids.get(name);
		if (!id) throw new Error(`no workflow named ${name}`);
		return id;
	};

	/** Exact number of executions of a workflow (all when name is omitted), optionally by status. */
	async function executionCount(name, status) {
		const filter = name ? { workflowId: workflowId(name) } : {};
		if (status) filter.status = status;
		const page = await n8n.rest('GET', `/rest/executions?filter=${encodeURIComponent(JSON.stringify(filter))}&limit=1`);
		return page.count;
	}

	/** Waits until no execution is new/running/waiting (bounded); returns whether it settled. */
	async function settle(timeoutMs = 120_000) {
		const deadline = Date.now() + timeoutMs;
		while (Date.now() < deadline) {
			if ((await executionCount(undefined, ['new', 'running', 'waiting'])) === 0) return true;
			await sleep(250);
		}
		return false;
	}

	return { workflowId, executionCount, settle };
}

/** Output items of `nodeName` in a decoded execution: one array per output (first run). */
export function nodeOutputs(execution, nodeName) {
	const run = execution.data?.resultData?.runData?.[nodeName]?.[0];
	return { outputs: (run?.data?.main ?? []).map((items) => items ?? []), executionTime: run?.executionTime, error: run?.error };
}
