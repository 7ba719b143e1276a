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
import { startFakeProviderApi, type FakeProviderApi } from '../helpers/fakeProviderApi.mts';
import { exampleBodies, signedDelivery, WHSEC } from '../helpers/signedRequests.mts';
import { standardWebhooksScheme } from '../../nodes/core/schemes/index';
import {
	bearer,
	exampleFor,
	executionCount,
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
const hooks = { withRemoveDuplicates: randomUUID(), withoutRemoveDuplicates: randomUUID(), registration: randomUUID() };

/** Trigger (Standard Webhooks) → [Remove Duplicates on dedupeKey, as the README says] → CRM step. */
function dedupeWorkflow(name: string, webhookId: string, removeDuplicates: boolean) {
	const trigger = {
		parameters: { provider: 'standardWebhooks', events: ['*'], options: {} },
		id: randomUUID(),
		name: 'Signed Webhook Trigger',
		type: TRIGGER_TYPE,
		typeVersion: 1,
		position: [0, 0],
		webhookId,
		credentials: { signedWebhookApi: DEDUPE_CREDENTIAL },
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
		nodes: removeDuplicates ? [trigger, dedupe, crm] : [trigger, crm],
		connections: removeDuplicates
			? { 'Signed Webhook Trigger': link('Remove Duplicates'), 'Remove Duplicates': link('CRM step') }
			: { 'Signed Webhook Trigger': link('CRM step') },
		settings: { executionOrder: 'v1' },
	};
}

function registrationWorkflow(api: FakeProviderApi) {
	return {
		name: 'queue registration',
		nodes: [
			{
				parameters: {
					provider: 'standardWebhooks',
					registration: 'api',
					createUrl: `${api.baseUrl}/v1/webhooks`,
					subscriptionUrl: `${api.baseUrl}/v1/webhooks/%ID%`,
					createBody: '{ "url": "%WEBHOOK_URL%", "events": "%EVENTS%", "secret": "%SECRET%" }',
					events: ['*'],
					options: {},
				},
				id: randomUUID(),
				name: 'Signed Webhook Trigger',
				type: TRIGGER_TYPE,
				typeVersion: 1,
				position: [0, 0],
				webhookId: hooks.registration,
				credentials: { signedWebhookApi: REGISTRATION_CREDENTIAL },
			},
			{ parameters: {}, id: randomUUID(), name: 'CRM step', type: 'n8n-nodes-base.noOp', typeVersion: 1, position: [240, 0] },
		],
		connections: { 'Signed Webhook Trigger': { main: [[{ node: 'CRM step', type: 'main', index: 0 }]] } },
		settings: { executionOrder: 'v1' },
	};
}

let cluster: QueueCluster;
let api: FakeProviderApi;
const ids = new Map<string, string>();
const workflowId = (name: string) => ids.get(name) ?? expect.unreachable(`no workflow ${name}`);

beforeAll(async () => {
	api = await startFakeProviderApi();
	api.requiredAuthorization = `Bearer ${PROVIDER_TOKEN}`;
	const examples = loadExamples();
	const registration = registrationWorkflow(api);
	cluster = await startQueueCluster({
		credentials: [
			...examples.credentials,
			{ ...DEDUPE_CREDENTIAL, type: 'signedWebhookApi', data: { signingSecret: WHSEC, authType: 'none' } },
			{ ...REGISTRATION_CREDENTIAL, type: 'signedWebhookApi', data: { authType: 'bearer', bearerToken: PROVIDER_TOKEN } },
		],
		workflows: [
			...examples.workflows.map((w) => w.workflow),
			dedupeWorkflow('queue dedupe with Remove Duplicates', hooks.withRemoveDuplicates, true),
			dedupeWorkflow('queue dedupe without Remove Duplicates', hooks.withoutRemoveDuplicates, false),
			registration,
		],
		log: (line) => console.log(`[queue] ${line}`),
	});
	for (const w of cluster.main.workflows) ids.set(w.name, w.id);
	// Registration is activated by its own tests; everything else is published at start.
	await cluster.main.deactivateWorkflow(workflowId(registration.name));
}, 300_000);

afterAll(async () => {
	await cluster?.stop();
	await api?.close();
});

const send = (url: string, request: { headers: Record<string, string>; body: Buffer | string }): Promise<RawResponse> =>
	postRaw(url, Object.entries(request.headers), request.body);

/** Requests a webhook process logged for one webhook id (n8n's debug line "Received webhook ..."). */
const received = (process: QueueProcess, webhookId: string) =>
	process.logs().split('\n').filter((l) => l.includes('Received webhook') && l.includes(webhookId)).length;

/** Execution ids the worker(s) logged as started. */
const ranOnWorker = () => new Set(cluster.workers.flatMap((w) => [...w.logs().matchAll(/Worker started execution (\d+)/g)].map((m) => m[1])));

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
