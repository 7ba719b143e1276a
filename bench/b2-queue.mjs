// B2 in queue mode (issue 14): the Signed Webhook Trigger v1.1 (OnCallClerk) → NoOp in n8n's queue
// mode (tools/queue-mode: Postgres, Redis, nginx round-robin, main, 2 workers), loaded through nginx
// from a second process (undici, 20 connections) as B2 is, with 2 `n8n webhook` processes and then
// with 1. One cluster: the 2-process phase runs first, then the second process is stopped and nginx
// keeps only the first (it retries a refused connection on the other upstream and marks the dead one
// down for 10 s), so both phases share the same warm main, workers and databases, and no restart
// (tens of seconds on a shared machine) sits between them.
// Per phase: accepted req/s at nginx (2xx), p50/p99, executions completed per second at the workers
// (counted by status from main's API once every accepted delivery's execution has finished), and the
// cores each role used (/proc), which is what says why it scales or not on this machine.
// n8n's default expression engine settings. BENCH_DURATION_S (default 15) per phase.
import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import path from 'node:path';

import { startQueueCluster } from '../tools/queue-mode/index.mjs';
import { cpuMeter } from './lib/cpu.mjs';
import { runLoad } from './lib/load-client.mjs';
import { goalLine, machineLine, table } from './lib/measure.mjs';
import { executionQueries, loadWorkflow, n8nVersion, newCredentialId, newWebhookId, sleep } from './lib/n8n-bench.mjs';

const DURATION_MS = Number(process.env.BENCH_DURATION_S ?? 15) * 1000;
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 20);
const SECRET = 'bench-signing-secret-0123456789';
const RUN_ID = Date.now().toString(36);
const WORKFLOW = 'b2q signed';
const WORKERS = 2;
const FINISHED = ['success', 'error', 'crashed', 'canceled'];
const UNFINISHED = ['new', 'running', 'waiting'];

const versions = await n8nVersion();
console.log(
	`B2 in queue mode: the trigger v1.1 (OnCallClerk) → NoOp behind nginx, ${WORKERS} workers, 2 and then 1 webhook process (${CONNECTIONS} connections, ${DURATION_MS / 1000} s per phase, load from a child process)`,
);
console.log(machineLine({ n8n: versions.n8n, 'n8n-node': versions.n8nNode, db: 'postgres', mode: 'queue', 'expression-engine': versions.expressionEngine }));

const fmt = (value, digits = 1) => (Number.isFinite(value) ? value.toFixed(digits) : String(value));
const countLines = (text, pattern) => text.split('\n').filter((line) => pattern.test(line)).length;

const credentialId = newCredentialId();
const webhookId = newWebhookId();
const workflow = loadWorkflow('b2-signed-trigger.json', {
	NAME: WORKFLOW,
	PROVIDER: 'onCallClerk',
	EVENT: '*',
	WEBHOOK_ID: webhookId,
	CREDENTIAL_ID: credentialId,
	CREDENTIAL_NAME: 'b2q signing secret',
});
workflow.nodes[0].typeVersion = 1.1;
const cluster = await startQueueCluster({
	workflows: [workflow],
	credentials: [{ id: credentialId, name: 'b2q signing secret', type: 'signedWebhookApi', data: { signingSecret: SECRET, authType: 'none' } }],
	webhookProcesses: 2,
	workers: WORKERS,
	log: (line) => console.log(`[queue] ${line}`),
});
const stopOnSignal = () => cluster.stop().finally(() => process.exit(130));
process.once('SIGINT', stopOnSignal);
process.once('SIGTERM', stopOnSignal);

const { executionCount, settle } = executionQueries(cluster.main);
const url = cluster.webhookUrl(webhookId, 'webhook');
/** Requests a webhook process logged for the workflow (its debug line "Received webhook ..."). */
const received = (proc) => countLines(proc.logs(), new RegExp(`Received webhook .*${webhookId}`));
const started = (worker) => countLines(worker.logs(), /Worker started execution \d+/);
const servicePid = (file) => Number(readFileSync(path.join(cluster.servicesDir, file), 'utf8').split('\n')[0]);

/** Executions of the workflow by status, all statuses at once. */
async function executionsByStatus() {
	const counts = {};
	for (const status of [...FINISHED, ...UNFINISHED]) counts[status] = await executionCount(WORKFLOW, [status]);
	return counts;
}

/** One load phase through nginx with `serving` (the webhook processes up), until every execution it caused finished. */
async function phase(serving, tag) {
	const roots = {
		main: [cluster.main.pid],
		...Object.fromEntries(serving.map((proc) => [proc.name, [proc.pid]])),
		...Object.fromEntries(cluster.workers.map((worker) => [worker.name, [worker.pid]])),
		postgres: [servicePid('pg/data/postmaster.pid')],
		redis: [servicePid('redis/redis.pid')],
		nginx: [servicePid('nginx/nginx.pid')],
		// This process and the load client it spawns (the n8n processes are roots of their own).
		'load client': [process.pid],
	};
	const before = { executions: await executionsByStatus(), received: serving.map(received), started: cluster.workers.map(started) };
	const duringLoad = cpuMeter(roots);
	const wholePhase = cpuMeter(roots);
	const load = await runLoad({ kind: 'signed', url, durationMs: DURATION_MS, connections: CONNECTIONS, secret: SECRET, runId: `${RUN_ID}${tag}` });
	const loadCpu = duringLoad.stop();
	const loadEnded = performance.now();
	const accepted = Object.entries(load.statuses).reduce((sum, [code, n]) => (/^2\d\d$/.test(code) ? sum + n : sum), 0);
	const backlog = (await executionCount(WORKFLOW, UNFINISHED)) - before.executions.new - before.executions.running - before.executions.waiting;
	// Every accepted delivery's execution finished (bounded: a stuck one shows in the table).
	const drainDeadline = Date.now() + Math.max(120_000, 10 * DURATION_MS);
	const finishedSince = async () => (await executionCount(WORKFLOW, FINISHED)) - FINISHED.reduce((sum, s) => sum + before.executions[s], 0);
	let finished = await finishedSince();
	while ((finished < accepted || (await executionCount(WORKFLOW, UNFINISHED)) > 0) && Date.now() < drainDeadline) {
		await sleep(250);
		finished = await finishedSince();
	}
	const drainSeconds = (performance.now() - loadEnded) / 1000;
	const phaseCpu = wholePhase.stop();
	const after = await executionsByStatus();
	const executions = Object.fromEntries(Object.keys(after).map((status) => [status, after[status] - before.executions[status]]));
	return {
		load,
		accepted,
		acceptedPerSec: accepted / load.seconds,
		executions,
		completedPerSec: executions.success / (load.seconds + drainSeconds),
		backlog,
		drainSeconds,
		received: serving.map((proc, i) => ({ name: proc.name, requests: received(proc) - before.received[i] })),
		started: cluster.workers.map((worker, i) => `${worker.name} ${started(worker) - before.started[i]}`).join(', '),
		loadCpu,
		// CPU ms per accepted delivery, each role, over the load and the drain (all the work those deliveries caused).
		cpuMsPerDelivery: Object.fromEntries(Object.entries(phaseCpu.cores).map(([role, cores]) => [role, (cores * phaseCpu.seconds * 1000) / accepted])),
	};
}

const results = {};
try {
	// Warm-up through nginx (both processes), so the first phase pays no cold start.
	await runLoad({ kind: 'signed', url, durationMs: 2_000, connections: 4, secret: SECRET, runId: `${RUN_ID}w` });
	await settle();
	results['2 webhook processes'] = await phase(cluster.webhooks, 'a');
	await cluster.webhooks[1].stop();
	results['1 webhook process'] = await phase([cluster.webhooks[0]], 'b');
} finally {
	process.removeListener('SIGINT', stopOnSignal);
	process.removeListener('SIGTERM', stopOnSignal);
	await cluster.stop();
}

const configurations = Object.keys(results).reverse();
const statusText = (counts) =>
	Object.entries(counts)
		.filter(([, n]) => n !== 0)
		.map(([status, n]) => `${status}×${n}`)
		.join(' ') || 'none';
console.log(
	table(
		['configuration', 'accepted req/s', 'p50 ms', 'p99 ms', 'answers', 'executions/s', 'executions', 'unfinished at load end', 'drain s', 'requests per webhook process', 'executions per worker'],
		configurations.map((name) => {
			const r = results[name];
			return [name, fmt(r.acceptedPerSec), fmt(r.load.p50), fmt(r.load.p99), Object.entries(r.load.statuses).map(([code, n]) => `${code}×${n}`).join(' '), fmt(r.completedPerSec), statusText(r.executions), r.backlog, fmt(r.drainSeconds), r.received.map(({ name, requests }) => `${name} ${requests}`).join(', '), r.started];
		}),
	),
);
// Roles in the 2-process order (webhook-1, webhook-2 together); '-' where a process was not up.
const roles = Object.keys(results['2 webhook processes'].loadCpu.cores);
console.log(`cores used during the load (of ${cpus().length}); machine: every process on it; other: the machine less this benchmark's processes:`);
console.log(
	table(
		['configuration', ...roles, 'machine', 'other'],
		configurations.map((name) => {
			const { cores, machine } = results[name].loadCpu;
			const ours = Object.values(cores).reduce((sum, value) => sum + value, 0);
			return [name, ...roles.map((role) => (role in cores ? fmt(cores[role], 2) : '-')), fmt(machine, 2), fmt(machine - ours, 2)];
		}),
	),
);
console.log('CPU ms per accepted delivery (load and drain):');
console.log(
	table(
		['configuration', ...roles],
		configurations.map((name) => [name, ...roles.map((role) => (role in results[name].cpuMsPerDelivery ? fmt(results[name].cpuMsPerDelivery[role]) : '-'))]),
	),
);

// What the figures predict, from the 1-process phase's CPU per delivery: throughput is bounded by
// the webhook processes (each one Node thread: at most 1 core / its CPU per delivery), by the
// workers (the same, each), and by the cores (all server CPU per delivery; the load client would
// run elsewhere). Linear, with Postgres keeping up: a model to read the 2-core figures with.
const single = results['1 webhook process'];
const serverMs = Object.entries(single.cpuMsPerDelivery)
	.filter(([role]) => role !== 'load client')
	.reduce((sum, [, ms]) => sum + ms, 0);
const webhookMs = single.cpuMsPerDelivery[cluster.webhooks[0].name];
const workersMs = cluster.workers.reduce((sum, worker) => sum + single.cpuMsPerDelivery[worker.name], 0);
const predicted = (coreCount, webhookProcesses) => Math.min((webhookProcesses * 1000) / webhookMs, (WORKERS * 1000) / workersMs, (coreCount * 1000) / serverMs);
console.log(
	`prediction (CPU per delivery with 1 webhook process): server ${fmt(serverMs)} ms (webhook process ${fmt(webhookMs)}, workers ${fmt(workersMs)}, postgres ${fmt(single.cpuMsPerDelivery.postgres)}, main ${fmt(single.cpuMsPerDelivery.main)}, redis ${fmt(single.cpuMsPerDelivery.redis)}, nginx ${fmt(single.cpuMsPerDelivery.nginx)}); ` +
		`one webhook process tops out near ${fmt(1000 / webhookMs)} req/s, ${WORKERS} workers near ${fmt((WORKERS * 1000) / workersMs)}; req/s with 1 / 2 webhook processes and ${WORKERS} workers: ` +
		[2, 4, 8].map((c) => `${c} cores ${fmt(predicted(c, 1))} / ${fmt(predicted(c, 2))} (${fmt(predicted(c, 2) / predicted(c, 1), 2)}x)`).join(', '),
);

const two = results['2 webhook processes'];
const info = (name, value) => console.log(`goal b2q: ${name}: ${value} (information: ${cpus().length} cores)`);
info('accepted req/s, 2 webhook processes / 1', `${fmt(two.acceptedPerSec / single.acceptedPerSec, 2)}x (${fmt(two.acceptedPerSec)} vs ${fmt(single.acceptedPerSec)})`);
info('executions/s at the workers, 2 webhook processes / 1', `${fmt(two.completedPerSec / single.completedPerSec, 2)}x (${fmt(two.completedPerSec)} vs ${fmt(single.completedPerSec)})`);
// nginx must have spread the 2-process phase over both, or its figure says nothing about scaling.
const idle = two.received.filter(({ requests }) => requests === 0).length;
console.log(goalLine('b2q: webhook processes that took no request in the 2-process phase', idle, '0', idle === 0));
const notRun = configurations.map((name) => results[name].accepted - results[name].executions.success);
console.log(goalLine(`b2q: accepted deliveries without a successful execution, ${configurations.join(' / ')}`, notRun.join(' / '), '0', notRun.every((n) => n === 0)));
