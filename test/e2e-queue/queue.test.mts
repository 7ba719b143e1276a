/**
 * The package in n8n's queue mode (tools/queue-mode): main (publishes, no production webhooks),
 * two `n8n webhook` processes behind nginx round-robin, one `n8n worker`, on Redis (Bull) and
 * Postgres. Every outcome is read from the executions main reports (their status, and the worker's
 * "Worker started execution <id>" line), never from HTTP codes alone: a process without the package
 * still answers 200 "Workflow was started" and the execution then fails on the worker.
 */
import { randomUUID } from 'node:crypto';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { startQueueCluster, type QueueCluster, type QueueProcess } from '../../tools/queue-mode/index.mjs';
import type { Execution } from '../../tools/n8n-instance/index.mjs';
import { startFakeProviderApi, viaProviderApi, type FakeProviderApi } from '../helpers/fakeProviderApi.mts';
import { startReceiver, type Receiver } from '../helpers/receiver.mts';
import { exampleBodies, signedDelivery, WHSEC } from '../helpers/signedRequests.mts';
import {
	bearer,
	DURABLE_SENDER,
	durableExampleVariant,
	exampleFor,
	executionCount,
	itemsOverRuns,
	loadExamples,
	nextNode,
	nodeItems,
	SEED_ITEMS,
	settledExecutions,
	signed,
	type Platform,
} from '../e2e/exampleKit.mts';
import { postRaw, TRIGGER_TYPE, waitUntil, type RawResponse } from '../e2e/triggerFleet.mts';

const DEDUPE_CREDENTIAL = { id: 'queueDedupeCred1', name: 'queue dedupe (Standard Webhooks)' };
const REGISTRATION_CREDENTIAL = { id: 'queueRegisterCr1', name: 'queue registration' };
const PROVIDER_TOKEN = 'queue-provider-token-51c0';
const hooks = {
	withRemoveDuplicates: randomUUID(),
	withoutRemoveDuplicates: randomUUID(),
	flood: randomUUID(),
	restart: randomUUID(),
	registration: randomUUID(),
};
const WORKFLOWS = {
	withRemoveDuplicates: 'queue dedupe with Remove Duplicates',
	withoutRemoveDuplicates: 'queue dedupe without Remove Duplicates',
	flood: 'queue forged flood',
	restart: 'queue webhook process restart',
	registration: 'queue registration',
	durable: 'queue durable delivery',
};
/** The durable example's sender, and the path its CRM event webhook gets here. */
const DURABLE_PATH = 'queue-durable-crm';
/**
 * Its second attempt: a delay that leaves on Retry Later, so the execution parks in the Wait node and
 * n8n's WaitTracker on main resumes it. The node sleeps a wait under 65 s itself, and the delay counts
 * from the first attempt's start: 2 s more leave room for that attempt.
 */
const DURABLE_SCHEDULE = '0, 67s';

/**
 * Signed Webhook Trigger (Standard Webhooks, `extra` parameters) → [Remove Duplicates on dedupeKey,
 * as the README says] → CRM step.
 */
function triggerWorkflow(
	name: string,
	o: { webhookId: string; credential: { id: string; name: string }; removeDuplicates?: boolean; extra?: Record<string, unknown> },
) {
	const trigger = {
		parameters: { provider: 'standardWebhooks', ...o.extra, events: ['*'], options: {} },
		id: randomUUID(),
		name: 'Signed Webhook Trigger',
		type: TRIGGER_TYPE,
		typeVersion: 1,
		position: [0, 0],
		webhookId: o.webhookId,
		credentials: { signedWebhookApi: o.credential },
	};
	const dedupe = {
		parameters: {
			operation: 'removeItemsSeenInPreviousExecutions',
			logic: 'removeItemsWithAlreadySeenKeyValues',
			dedupeValue: '={{ $json.dedupeKey }}',
			options: {},
		},
		id: randomUUID(),
		name: 'Remove Duplicates',
		type: 'n8n-nodes-base.removeDuplicates',
		typeVersion: 2,
		position: [240, 0],
	};
	const crm = { parameters: {}, id: randomUUID(), name: 'CRM step', type: 'n8n-nodes-base.noOp', typeVersion: 1, position: [480, 0] };
	const link = (to: string) => ({ main: [[{ node: to, type: 'main', index: 0 }]] });
	return {
		name,
		nodes: o.removeDuplicates ? [trigger, dedupe, crm] : [trigger, crm],
		connections: o.removeDuplicates
			? { 'Signed Webhook Trigger': link('Remove Duplicates'), 'Remove Duplicates': link('CRM step') }
			: { 'Signed Webhook Trigger': link('CRM step') },
		settings: { executionOrder: 'v1' },
	};
}

let cluster: QueueCluster;
let api: FakeProviderApi;
let receiver: Receiver;
const ids = new Map<string, string>();
const workflowId = (name: string) => ids.get(name) ?? expect.unreachable(`no workflow ${name}`);

beforeAll(async () => {
	api = await startFakeProviderApi();
	api.requiredAuthorization = `Bearer ${PROVIDER_TOKEN}`;
	receiver = await startReceiver();
	const examples = loadExamples();
	cluster = await startQueueCluster({
		credentials: [
			...examples.credentials,
			{ ...DEDUPE_CREDENTIAL, type: 'signedWebhookApi', data: { signingSecret: WHSEC, authType: 'none' } },
			{ ...REGISTRATION_CREDENTIAL, type: 'signedWebhookApi', data: { authType: 'bearer', bearerToken: PROVIDER_TOKEN } },
		],
		workflows: [
			...examples.workflows.map((w) => w.workflow),
			triggerWorkflow(WORKFLOWS.withRemoveDuplicates, { webhookId: hooks.withRemoveDuplicates, credential: DEDUPE_CREDENTIAL, removeDuplicates: true }),
			triggerWorkflow(WORKFLOWS.withoutRemoveDuplicates, { webhookId: hooks.withoutRemoveDuplicates, credential: DEDUPE_CREDENTIAL }),
			triggerWorkflow(WORKFLOWS.flood, { webhookId: hooks.flood, credential: DEDUPE_CREDENTIAL }),
			triggerWorkflow(WORKFLOWS.restart, { webhookId: hooks.restart, credential: DEDUPE_CREDENTIAL }),
			triggerWorkflow(WORKFLOWS.registration, { webhookId: hooks.registration, credential: REGISTRATION_CREDENTIAL, extra: viaProviderApi(api) }),
			durableExampleVariant(WORKFLOWS.durable, DURABLE_PATH, { urls: receiver.url('/crm'), retrySchedule: DURABLE_SCHEDULE }),
		],
		log: (line) => console.log(`[queue] ${line}`),
	});
	for (const w of cluster.main.workflows) ids.set(w.name, w.id);
	// Registration is activated by its own tests; everything else is published at start.
	await cluster.main.deactivateWorkflow(workflowId(WORKFLOWS.registration));
}, 300_000);

afterAll(async () => {
	await cluster?.stop();
	await api?.close();
	await receiver?.close();
});

const send = (url: string, request: { headers: Record<string, string>; body: Buffer | string }): Promise<RawResponse> =>
	postRaw(url, Object.entries(request.headers), request.body);

/** Requests a webhook process logged for one webhook id (n8n's debug line "Received webhook ..."). */
const received = (process: QueueProcess, webhookId: string) =>
	process.logs().split('\n').filter((l) => l.includes('Received webhook') && l.includes(webhookId)).length;

/** Execution ids the worker(s) logged as started, once per run (a resumed execution again). */
const workerStarts = () => cluster.workers.flatMap((w) => [...w.logs().matchAll(/Worker started execution (\d+)/g)].map((m) => m[1]));
const ranOnWorker = () => new Set(workerStarts());

/** Jobs Bull ever queued (its id counter), and the ones still waiting, active or delayed. */
async function bull() {
	const [added, wait, active, delayed] = await Promise.all([
		cluster.redis('GET', 'bull:jobs:id'),
		cluster.redis('LLEN', 'bull:jobs:wait'),
		cluster.redis('LLEN', 'bull:jobs:active'),
		cluster.redis('ZCARD', 'bull:jobs:delayed'),
	]);
	return { added: Number(added || 0), pending: Number(wait) + Number(active) + Number(delayed) };
}

describe('seed deliveries from the five platforms, through nginx', () => {
	const platforms: Platform[] = [
		bearer('outCallerAi'),
		signed('onCallClerk'),
		bearer('leadUpdateCallback'),
		signed('outboundIq'),
		signed('pbx'),
	];

	it('reach both webhook processes, run on the worker and give the SQLite suite\'s items', async () => {
		for (const platform of platforms) {
			const ex = exampleFor(platform.provider);
			const id = workflowId(ex.workflow.name);
			const res = await send(cluster.webhookUrl(ex.trigger.webhookId, 'webhook'), platform.request(exampleBodies[platform.provider]()));
			expect(res.status, `${platform.provider}: ${res.text}`).toBe(200);
			const [exec] = await settledExecutions(cluster.main, id, 1, 60_000);
			expect(exec.status, platform.provider).toBe('success');
			expect(ranOnWorker(), `${platform.provider} ran on the worker`).toContain(exec.id);
			const expected = SEED_ITEMS[platform.provider];
			expect(nodeItems(exec, ex.trigger.name), platform.provider).toEqual(expected.trigger);
			expect(nodeItems(exec, nextNode(ex.workflow, ex.trigger.name)), platform.provider).toEqual(expected.crm);
		}
		const perProcess = cluster.webhooks.map((p) =>
			platforms.reduce((n, platform) => n + received(p, exampleFor(platform.provider).trigger.webhookId!), 0),
		);
		console.log(`[queue] seed deliveries per webhook process: ${perProcess.join(' / ')}`);
		expect(perProcess.reduce((a, b) => a + b)).toBe(platforms.length);
		for (const n of perProcess) expect(n).toBeGreaterThan(0);
	});
});

/** A Standard Webhooks delivery with a fresh message id (its dedupeKey), signed with `secret`. */
function standardDelivery(o: { secret?: string; bearer?: string } = {}) {
	const id = `msg_${randomUUID()}`;
	const body = Buffer.from(JSON.stringify({ type: 'contact.updated', timestamp: new Date().toISOString(), data: { id } }));
	const { headers } = signedDelivery('standardWebhooks', body, { id, secret: o.secret ?? WHSEC });
	const auth: Record<string, string> = o.bearer ? { Authorization: `Bearer ${o.bearer}` } : {};
	return { id, request: { headers: { 'Content-Type': 'application/json', ...auth, ...headers }, body } };
}

/** The `data.id` each execution's trigger emitted, and whether its CRM step got an item. */
function crmRunsById(executions: Awaited<ReturnType<typeof settledExecutions>>) {
	const runs = new Map<string, number>();
	for (const exec of executions) {
		expect(exec.status).toBe('success');
		const [item] = nodeItems(exec, 'Signed Webhook Trigger');
		const crm = exec.data.resultData.runData['CRM step']?.[0]?.data?.main?.[0] ?? [];
		runs.set(item.data.id, (runs.get(item.data.id) ?? 0) + crm.length);
	}
	return runs;
}

it("n8n warns about Debian's Postgres 15 (the README says so), and runs on it", () => {
	expect(cluster.main.logs()).toContain('Postgres 15 is not supported');
});

describe('the same delivery at both webhook processes', () => {
	const count = { afterRun: 4, backToBack: 4, simultaneous: 10 };
	type Timing = keyof typeof count;

	/**
	 * Each delivery once to each webhook process directly: the second copy after the first copy's
	 * execution has ended (a platform retrying seconds later), right after the first copy's 200 (their
	 * executions can overlap on the worker), or both at the same moment.
	 */
	async function sendToBoth(webhookId: string, workflowId: string) {
		const ids: Record<Timing, string[]> = { afterRun: [], backToBack: [], simultaneous: [] };
		const urls = cluster.webhooks.map((p) => cluster.webhookUrl(webhookId, 'webhook', p));
		const accepted = (answers: RawResponse[]) => {
			for (const res of answers) expect(res.status, res.text).toBe(200);
		};
		// afterRun goes first, so its count of ended executions is the workflow's whole count.
		let executions = 0;
		for (const timing of Object.keys(count) as Timing[]) {
			for (let i = 0; i < count[timing]; i++) {
				const { id, request } = standardDelivery();
				ids[timing].push(id);
				if (timing === 'simultaneous') accepted(await Promise.all(urls.map((url) => send(url, request))));
				else
					for (const url of urls) {
						accepted([await send(url, request)]);
						if (timing === 'afterRun') await settledExecutions(cluster.main, workflowId, ++executions, 60_000);
					}
			}
		}
		return ids;
	}

	it("trigger → Remove Duplicates on dedupeKey → CRM step: once per delivery when the second copy comes after the first one's execution ended", async () => {
		const id = workflowId(WORKFLOWS.withRemoveDuplicates);
		const ids = await sendToBoth(hooks.withRemoveDuplicates, id);
		const total = count.afterRun + count.backToBack + count.simultaneous;
		// Each process remembers only its own deliveries, so both start an execution.
		const executions = await settledExecutions(cluster.main, id, total * 2, 60_000);
		for (const exec of executions) expect(ranOnWorker()).toContain(exec.id);
		const runs = crmRunsById(executions);
		const once = (list: string[]) => Object.fromEntries(list.map((d) => [d, 1]));
		expect(Object.fromEntries(ids.afterRun.map((d) => [d, runs.get(d)]))).toEqual(once(ids.afterRun));
		// Copies whose executions overlap on the worker can both pass: Remove Duplicates checks and
		// records without a lock. Measured, not assumed (README).
		for (const timing of ['backToBack', 'simultaneous'] as const) {
			const twice = ids[timing].filter((d) => runs.get(d) === 2).length;
			console.log(`[queue] with Remove Duplicates: ${twice} of ${count[timing]} ${timing} pairs ran the CRM step twice`);
			for (const d of ids[timing]) expect([1, 2]).toContain(runs.get(d));
		}
	});

	it('without Remove Duplicates, the CRM step runs once per webhook process the delivery reached', async () => {
		const id = workflowId(WORKFLOWS.withoutRemoveDuplicates);
		const ids = Object.values(await sendToBoth(hooks.withoutRemoveDuplicates, id)).flat();
		const executions = await settledExecutions(cluster.main, id, ids.length * 2, 60_000);
		const runs = crmRunsById(executions);
		console.log(`[queue] without Remove Duplicates: ${[...runs.values()].reduce((x, y) => x + y)} CRM runs for ${ids.length} deliveries each sent to both processes`);
		expect(Object.fromEntries(runs)).toEqual(Object.fromEntries(ids.map((d) => [d, 2])));
		// The same delivery twice to one process is still dropped there.
		const again = standardDelivery();
		const url = cluster.webhookUrl(hooks.withoutRemoveDuplicates, 'webhook', cluster.webhooks[0]);
		for (let i = 0; i < 2; i++) expect((await send(url, again.request)).status).toBe(200);
		await settledExecutions(cluster.main, id, ids.length * 2 + 1, 60_000);
	});
});

describe('registration via the provider API', () => {
	const id = () => workflowId(WORKFLOWS.registration);
	const subscription = () => {
		expect(api.subscriptions.size).toBe(1);
		return [...api.subscriptions.values()][0];
	};
	let executions = 0;
	/** Provider API calls of one method since the first test of this block. */
	let from = 0;
	const calls = (method: string) => api.requests.slice(from).filter((r) => r.method === method);
	beforeAll(() => {
		from = api.requests.length;
	});

	/** A delivery signed with `secret` to each webhook process directly; each must be accepted and run. */
	async function verifiedOnBoth(secret: string) {
		for (const process of cluster.webhooks) {
			const url = cluster.webhookUrl(hooks.registration, 'webhook', process);
			// Publishing reaches the webhook processes through Redis pub/sub: allow them a moment.
			let res: RawResponse | undefined;
			await waitUntil(async () => (res = await send(url, standardDelivery({ secret, bearer: PROVIDER_TOKEN }).request)).status !== 404, 10_000, 200);
			expect(res!.status, `${process.name}: ${res!.text}`).toBe(200);
			executions += 1;
		}
		const all = await settledExecutions(cluster.main, id(), executions, 60_000);
		for (const exec of all) expect(exec.status).toBe('success');
	}

	it('activation on main creates exactly one subscription, for the balancer\'s URL', async () => {
		await cluster.main.activateWorkflow(id());
		const sub = subscription();
		expect(sub.url).toBe(cluster.webhookUrl(hooks.registration, 'webhook'));
		expect(sub.secret).toMatch(/^whsec_/);
		expect(calls('POST')).toHaveLength(1);
	});

	it('both webhook processes verify with the secret main stored; another secret gets 401 on both', async () => {
		await verifiedOnBoth(subscription().secret!);
		for (const process of cluster.webhooks) {
			const res = await send(cluster.webhookUrl(hooks.registration, 'webhook', process), standardDelivery({ bearer: PROVIDER_TOKEN }).request);
			expect(res.status, `${process.name}: ${res.text}`).toBe(401);
		}
		await settledExecutions(cluster.main, id(), executions);
	});

	it('deactivation deletes the subscription', async () => {
		await cluster.main.deactivateWorkflow(id());
		await waitUntil(async () => api.subscriptions.size === 0, 10_000, 100);
		expect(api.subscriptions.size).toBe(0);
		expect(calls('DELETE')).toHaveLength(1);
	});

	it('re-activation after the provider rotates the secret it returns: both processes verify with the new one only', async () => {
		api.providerSecret = `whsec_${Buffer.from(randomUUID()).toString('base64')}`;
		await cluster.main.activateWorkflow(id());
		const sub = subscription();
		expect(sub.secret).toBe(api.providerSecret);
		await verifiedOnBoth(api.providerSecret);
		expect(calls('POST')).toHaveLength(2);
	});
});

/** Every execution of a workflow, decoded. */
async function allExecutions(workflowId: string) {
	const listed = await cluster.main.listExecutions(workflowId);
	return await pool(listed.map(({ id }) => () => cluster.main.getExecution(id)), 8);
}

/** Runs `tasks` with at most `width` at a time. */
async function pool<T>(tasks: Array<() => Promise<T>>, width: number): Promise<T[]> {
	const results: T[] = [];
	let next = 0;
	await Promise.all(
		Array.from({ length: width }, async () => {
			while (next < tasks.length) {
				const i = next++;
				results[i] = await tasks[i]();
			}
		}),
	);
	return results;
}

describe('a forged flood through nginx', () => {
	it('starts nothing and leaves Bull empty; valid deliveries sent during it each run once', async () => {
		const [forged, valid] = [240, 8];
		const url = cluster.webhookUrl(hooks.flood, 'webhook');
		const seen = cluster.webhooks.map((p) => received(p, hooks.flood));
		const before = await bull();
		const deliveries = Array.from({ length: valid }, () => standardDelivery());
		const tasks = Array.from({ length: forged + valid }, (_, i) => {
			// Every 30th request is a valid one, spread through the flood.
			const d = i % 30 === 15 && deliveries.length ? deliveries.pop()! : standardDelivery({ secret: 'whsec_Zm9yZ2VkLWJ5LWFuLWF0dGFja2Vy' });
			return async () => ({ id: d.id, res: await send(url, d.request) });
		});
		const results = await pool(tasks, 16);
		const validIds = new Set(results.filter((r) => r.res.status === 200).map((r) => r.id));
		const statuses = results.reduce<Record<number, number>>((acc, r) => ({ ...acc, [r.res.status]: (acc[r.res.status] ?? 0) + 1 }), {});
		console.log(`[queue] flood answers: ${JSON.stringify(statuses)}`);
		expect(statuses).toEqual({ 401: forged, 200: valid });
		const executions = await settledExecutions(cluster.main, workflowId(WORKFLOWS.flood), valid, 60_000);
		expect(Object.fromEntries(crmRunsById(executions))).toEqual(Object.fromEntries([...validIds].map((id) => [id, 1])));
		const after = await bull();
		expect(after.added - before.added, 'jobs queued: only the valid deliveries').toBe(valid);
		expect(after.pending).toBe(0);
		const perProcess = cluster.webhooks.map((p, i) => received(p, hooks.flood) - seen[i]);
		console.log(`[queue] flood requests per webhook process: ${perProcess.join(' / ')}`);
		expect(perProcess.reduce((a, b) => a + b)).toBe(forged + valid);
		for (const n of perProcess) expect(n).toBeGreaterThan(forged / 4);
	});
});

/** What n8n answers, with 200, to any request while a restarted process is still starting. */
const N8N_STARTING_UP = 'n8n is starting up. Please wait';

describe('a webhook process restarts while deliveries come in', () => {
	it('every delivery the trigger acknowledged ran exactly once; the sender saw every other one fail', async () => {
		const [restarting] = cluster.webhooks;
		const t0 = Date.now();
		const outcomes: Array<{ id: string; via: string; status: number | string; text: string; atMs: number }> = [];
		let sending = true;
		/** A platform's sender: one delivery at a time, recording what it got back. */
		const sender = async (via: string, url: string) => {
			while (sending) {
				const { id, request } = standardDelivery();
				const atMs = Date.now() - t0;
				const [status, text] = await send(url, request).then(
					(r): [number | string, string] => [r.status, r.text],
					(error: Error & { code?: string }): [number | string, string] => [error.code ?? error.message, ''],
				);
				outcomes.push({ id, via, status, text, atMs });
				await new Promise((r) => setTimeout(r, 250));
			}
		};
		const senders = [
			sender('nginx', cluster.webhookUrl(hooks.restart, 'webhook')),
			sender('nginx', cluster.webhookUrl(hooks.restart, 'webhook')),
			sender(restarting.name, cluster.webhookUrl(hooks.restart, 'webhook', restarting)),
		];
		await new Promise((r) => setTimeout(r, 1000));
		const restartFrom = Date.now() - t0;
		await restarting.restart();
		const restartMs = Date.now() - t0 - restartFrom;
		await new Promise((r) => setTimeout(r, 1000));
		sending = false;
		await Promise.all(senders);
		// While a restarted process migrates, n8n itself answers every request 200 with this text, before
		// any webhook route exists (abstract-server.js setupHealthCheck): the node never saw those, nothing
		// ran, and only a load balancer that checks /healthz/readiness keeps them away (README).
		const startingUp = outcomes.filter((o) => o.status === 200 && o.text.includes(N8N_STARTING_UP));
		const accepted = outcomes.filter(
			(o) => typeof o.status === 'number' && o.status >= 200 && o.status < 300 && !startingUp.includes(o),
		);
		const failed = outcomes.filter((o) => !accepted.includes(o));
		const summary = (list: typeof outcomes) =>
			list.reduce<Record<string, number>>((acc, o) => ({ ...acc, [`${o.via} ${o.status}`]: (acc[`${o.via} ${o.status}`] ?? 0) + 1 }), {});
		console.log(
			`[queue] restart took ${restartMs} ms; ${outcomes.length} deliveries: ${JSON.stringify(summary(outcomes))}; n8n's "starting up" 200s: ${startingUp.length}`,
		);
		expect(accepted.length).toBeGreaterThan(0);
		expect(failed.length, 'the direct sender saw the process down').toBeGreaterThan(0);
		// Failures the sender saw may or may not have run; accepted ones ran exactly once.
		const id = workflowId(WORKFLOWS.restart);
		let counts = { all: 0, unfinished: 0 };
		const settled = await waitUntil(
			async () => {
				counts = { all: await executionCount(cluster.main, id), unfinished: await executionCount(cluster.main, id, ['new', 'running', 'waiting']) };
				return counts.all >= accepted.length && counts.unfinished === 0;
			},
			120_000,
			500,
		);
		if (!settled) {
			const ran = new Set(crmRunsById(await allExecutions(id)).keys());
			console.log(`[queue] restart ${restartFrom}..${restartFrom + restartMs} ms; accepted without an execution: ${JSON.stringify(accepted.filter((o) => !ran.has(o.id)))}`);
		}
		expect(settled, `executions settled for ${accepted.length} accepted deliveries: ${JSON.stringify(counts)}`).toBe(true);
		const executions = await allExecutions(id);
		const total = executions.length;
		expect(total, 'every execution listed once').toBe(await executionCount(cluster.main, id));
		const runs = crmRunsById(executions);
		const window = `restart from ${restartFrom} ms for ${restartMs} ms`;
		for (const o of accepted) expect(runs.get(o.id), `accepted, ${window}: ${JSON.stringify(o)}`).toBe(1);
		for (const o of failed) expect(runs.get(o.id) ?? 0).toBeLessThanOrEqual(1);
		expect(total - accepted.length, 'executions beyond the accepted ones: only failed-at-the-sender deliveries').toBeLessThanOrEqual(failed.length);
		console.log(`[queue] after the restart: ${total} executions for ${accepted.length} accepted and ${failed.length} failed deliveries`);
	}, 300_000);
});

/** Every item the durable sender put on one output, over all its passes. */
const senderItems = (execution: Execution, output: number) => itemsOverRuns(execution, DURABLE_SENDER, output);

// Last in the file: it restarts main.
describe('durable delivery across a restart of main', () => {
	it('deliveries parked in Retry Later resume on the worker after main restarts, and each arrives once', async () => {
		const id = workflowId(WORKFLOWS.durable);
		const leads = [{ contactId: 'c_queue_1' }, { contactId: 'c_queue_2' }];
		receiver.script('/crm', [{ kind: 'status', status: 503, body: 'down' }]);
		const before = await bull();
		for (const lead of leads) {
			const res = await send(cluster.webhookUrl(null, DURABLE_PATH), { headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(lead) });
			expect(res.status, res.text).toBe(200);
		}
		await waitUntil(async () => (await executionCount(cluster.main, id, ['waiting'])) === leads.length, 60_000, 200);
		const parked = await cluster.main.listExecutions(id);
		expect(parked.map((e) => e.status), 'every execution parks in the Wait node').toEqual(leads.map(() => 'waiting'));
		for (const exec of parked) expect(workerStarts().filter((x) => x === exec.id), `${exec.id} ran on the worker`).toHaveLength(1);
		expect(receiver.requestsFor('/crm')).toHaveLength(leads.length);
		expect(await bull()).toEqual({ added: before.added + leads.length, pending: 0 });

		// Main's WaitTracker (leader only) queries executions due within 70 s when it starts and every
		// 60 s, sets a timer for each, and at their time enqueues them to Bull: a worker resumes them.
		const restartFrom = Date.now();
		await cluster.main.restart();
		const restartMs = Date.now() - restartFrom;
		receiver.script('/crm', [{ kind: 'status', status: 200, body: '{"ok":true}' }]);
		const healedAt = Date.now();
		const done = await settledExecutions(cluster.main, id, leads.length, 150_000);

		const seen = receiver.requestsFor('/crm');
		const gaps: string[] = [];
		for (const exec of done) {
			expect(exec.status).toBe('success');
			expect(workerStarts().filter((x) => x === exec.id), `${exec.id} resumed on the worker`).toHaveLength(2);
			const [delivered, ...more] = senderItems(exec, 0);
			expect(more).toEqual([]);
			expect(senderItems(exec, 1), 'nothing on Failed').toEqual([]);
			expect(delivered).toMatchObject({ delivered: true, outcome: 'delivered', status: 200 });
			expect(delivered.attempts.map((attempt: { status: number }) => attempt.status)).toEqual([503, 200]);
			const requests = seen.filter((request) => request.headers['webhook-id'] === delivered.deliveryId);
			expect(requests.map((request) => request.fault.kind === 'status' && request.fault.status), 'arrived once, after one 503').toEqual([503, 200]);
			expect(requests[1].receivedAt).toBeGreaterThanOrEqual(healedAt);
			expect(requests[1].body.equals(requests[0].body)).toBe(true);
			gaps.push(((requests[1].receivedAt - requests[0].receivedAt) / 1000).toFixed(1));
		}
		expect(seen).toHaveLength(leads.length * 2);
		expect(await bull(), 'each execution queued twice: started, then resumed').toEqual({ added: before.added + leads.length * 2, pending: 0 });
		console.log(`[queue] durable: main restarted in ${restartMs} ms with ${leads.length} executions waiting; second attempts ${gaps.join(' / ')} s after the first (schedule: ${DURABLE_SCHEDULE})`);
	}, 300_000);
});
