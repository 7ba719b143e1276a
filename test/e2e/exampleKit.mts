/**
 * Shared by the platform, round-trip, registration and delivery suites: the shipped examples
 * (examples/credentials.json + examples/workflows/*.json, exactly what `npm start` imports), one
 * n8n per test file started on them or on generated workflows, and readers for executions.
 * A thin layer over tools/n8n-instance; raw sends and polling come from ./triggerFleet.mts.
 */
import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

import { expect } from 'vitest';

import type { SignedWebhookCredential } from '../../nodes/core/credentialCheck';
import { seed, signedDelivery } from '../helpers/signedRequests.mts';
import { getFreePort, REPO_ROOT, startN8n, type Execution, type N8nInstance } from '../../tools/n8n-instance/index.mjs';
import { executionCount, TRIGGER_TYPE, waitUntil } from './triggerFleet.mts';

export { executionCount };

export const ACTION_TYPE = 'n8n-nodes-signed-webhooks.signedWebhook';
export const CREDENTIAL_TYPE = 'signedWebhookApi';

export interface CredentialJson {
	id: string;
	name: string;
	type: string;
	data: SignedWebhookCredential;
}

export interface WorkflowJson {
	name: string;
	nodes: Array<{
		name: string;
		type: string;
		parameters: Record<string, any>;
		webhookId?: string;
		credentials?: Record<string, { id: string; name: string }>;
		[key: string]: unknown;
	}>;
	connections: Record<string, unknown>;
	[key: string]: unknown;
}

const EXAMPLES = path.join(REPO_ROOT, 'examples');

export function loadExamples(): { credentials: CredentialJson[]; workflows: Array<{ file: string; workflow: WorkflowJson }> } {
	const credentials = JSON.parse(readFileSync(path.join(EXAMPLES, 'credentials.json'), 'utf8')) as CredentialJson[];
	const dir = path.join(EXAMPLES, 'workflows');
	const workflows = readdirSync(dir)
		.filter((f) => f.endsWith('.json'))
		.sort()
		.map((file) => ({ file, workflow: JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as WorkflowJson }));
	return { credentials, workflows };
}

/** The example workflow whose trigger uses `provider`, its trigger node and that node's credential. */
export function exampleFor(provider: string) {
	const { credentials, workflows } = loadExamples();
	for (const { file, workflow } of workflows) {
		const trigger = workflow.nodes.find((n) => n.type === TRIGGER_TYPE && n.parameters.provider === provider);
		if (!trigger) continue;
		const ref = trigger.credentials?.[CREDENTIAL_TYPE];
		const credential = credentials.find((c) => c.id === ref?.id);
		if (!credential) throw new Error(`${file}: credential ${ref?.id} is not in examples/credentials.json`);
		return { file, workflow, trigger, credential: credential.data };
	}
	throw new Error(`no example workflow for provider ${provider}`);
}

export interface Instance {
	n8n: N8nInstance;
	workflowId(name: string): string;
	stop(): Promise<void>;
}

/** One n8n on a free port, in a temp user folder that stop() removes. */
export async function startInstance(
	label: string,
	o: { workflows: object[]; credentials: object[]; port?: number; publish?: boolean | string[]; env?: Record<string, string> },
): Promise<Instance> {
	const folder = await mkdtemp(path.join(os.tmpdir(), `sw-e2e-${label}-`));
	let n8n: N8nInstance;
	try {
		n8n = await startN8n({
			userFolder: folder,
			port: o.port ?? (await getFreePort()),
			workflows: o.workflows as Array<Record<string, unknown>>,
			credentials: o.credentials as Array<Record<string, unknown>>,
			publish: o.publish,
			env: o.env,
		});
	} catch (error) {
		await rm(folder, { recursive: true, force: true });
		throw error;
	}
	return {
		n8n,
		workflowId(name) {
			const id = n8n.workflows.find((w) => w.name === name)?.id;
			if (!id) throw new Error(`no imported workflow named ${name}`);
			return id;
		},
		async stop() {
			await n8n.stop();
			await rm(folder, { recursive: true, force: true });
		},
	};
}

/** How one of the five seed platforms authenticates a delivery to its example trigger. */
export interface Platform {
	provider: string;
	/** Headers and body of a correctly authenticated delivery of `body`. */
	request(body: Buffer, o?: { secret?: string; timestamp?: number; token?: string }): { headers: Record<string, string>; body: Buffer };
}

export function signed(provider: string): Platform {
	const { credential } = exampleFor(provider);
	return {
		provider,
		request(body, o = {}) {
			const d = signedDelivery(provider, body, { secret: o.secret ?? credential.signingSecret, timestamp: o.timestamp });
			return { headers: { 'Content-Type': 'application/json', ...d.headers }, body };
		},
	};
}

export function bearer(provider: string): Platform {
	const { credential } = exampleFor(provider);
	return {
		provider,
		request(body, o = {}) {
			// signedDelivery adds the platform's own headers (X-Outcaller-*); the auth is the example's bearer.
			const platformHeaders = provider === 'outCallerAi' ? signedDelivery(provider, body).headers : {};
			const headers = Object.fromEntries(
				Object.entries(platformHeaders).filter(([k]) => !/^(authorization|x-api-key)$/i.test(k)),
			);
			return {
				headers: {
					'Content-Type': 'application/json',
					...headers,
					Authorization: `Bearer ${o.token ?? credential.bearerToken}`,
				},
				body,
			};
		},
	};
}

/**
 * The items each seed platform's example payload (test/fixtures/seeds) gives at the trigger and at
 * the example's CRM step: the same in every setup (SQLite, queue mode).
 */
export const SEED_ITEMS: Record<string, { trigger: unknown[]; crm: unknown[] }> = {
	outCallerAi: {
		trigger: [
			expect.objectContaining({
				event: 'lead.created',
				provider: 'outCallerAi',
				resource: 'lead',
				action: 'created',
				workspaceId: 'cmpxz43bl00032c6udndznzdg',
				metadata: expect.objectContaining({ source: 'google_drive_sync' }),
				data: expect.objectContaining({ id: 'lead_123', email: 'priya@example.com' }),
			}),
		],
		crm: [expect.objectContaining({ externalId: 'lead_123', name: 'Priya Sharma', email: 'priya@example.com', phone: '+919876543210', crmEvent: 'lead.created' })],
	},
	onCallClerk: {
		trigger: [expect.objectContaining({ event: 'lead.captured', provider: 'onCallClerk', id: 'evt_01HZ8X9...', created: 1715200000 })],
		crm: [
			expect.objectContaining({
				crmEvent: 'lead.captured',
				callId: 'call_01HZ8X9...',
				name: 'Jordan Reyes',
				email: 'jordan@example.com',
				phone: '+15551234567',
				serviceAddress: '123 Oak St, Austin, TX',
			}),
		],
	},
	leadUpdateCallback: {
		trigger: [expect.objectContaining({ provider: 'leadUpdateCallback', leadId: 'lead_7781', data: expect.objectContaining({ status: 'Interested' }) })],
		crm: [expect.objectContaining({ leadId: 'lead_7781', phone: '+919812345678', disposition: 'Callback Scheduled', attempt: 2, leadStatus: 'Interested' })],
	},
	outboundIq: {
		trigger: [
			expect.objectContaining({
				event: 'dial.batch',
				deliveryId: '550e8400-e29b-41d4-a716-446655440000',
				deliveredAt: '2026-04-10T18:32:16.842Z',
				dialIndex: 0,
				batchSize: 1,
				data: JSON.parse(seed('outboundIq.dial.batch.json').toString('utf8')).dials[0],
			}),
		],
		crm: [expect.objectContaining({ callId: 'AB12345', phone: '5559876543', agent: 'Jane Doe', disposition: 'Sale', success: true, dialIndex: 0 })],
	},
	pbx: {
		trigger: [
			expect.objectContaining({
				event: 'extension.created',
				provider: 'pbx',
				timestamp: 1710700000,
				data: { name: 'john', extension: '1001', first_name: 'John', last_name: 'Doe' },
			}),
		],
		crm: [expect.objectContaining({ crmEvent: 'extension.created', firstName: 'John', lastName: 'Doe', phone: '1001' })],
	},
};

/**
 * Waits until the workflow has exactly `count` executions, none unfinished, and returns the
 * decoded ones, oldest first. Throws if there are ever more than `count`.
 */
export async function settledExecutions(n8n: N8nInstance, workflowId: string, count: number, timeoutMs = 30_000): Promise<Execution[]> {
	let seen = -1;
	const ok = await waitUntil(
		async () => {
			seen = await executionCount(n8n, workflowId);
			if (seen > count) throw new Error(`workflow ${workflowId} has ${seen} executions, expected ${count}`);
			return seen === count && (await executionCount(n8n, workflowId, ['new', 'running', 'waiting'])) === 0;
		},
		timeoutMs,
		200,
	);
	if (!ok) throw new Error(`workflow ${workflowId}: ${seen}/${count} executions after ${timeoutMs} ms`);
	return count === 0 ? [] : await n8n.waitForExecutions(workflowId, { count, timeoutMs });
}

/** The items one node emitted on one output in an execution (first run of the node). */
export function nodeItems(execution: Execution, nodeName: string, output = 0): any[] {
	const run = execution.data.resultData.runData[nodeName]?.[0];
	if (!run) throw new Error(`node "${nodeName}" did not run (ran: ${Object.keys(execution.data.resultData.runData).join(', ')})`);
	return (run.data?.main?.[output] ?? []).map((item) => item.json);
}

/** Every item a node put on one output over all its runs (a durable sender runs once per pass). */
export function itemsOverRuns(execution: Execution, nodeName: string, output: number): any[] {
	return (execution.data.resultData.runData[nodeName] ?? []).flatMap((run) => (run.data?.main?.[output] ?? []).map((item) => item.json));
}

/** The sender node of the shipped durable-delivery example. */
export const DURABLE_SENDER = 'Deliver to CRM';

/**
 * The shipped durable-delivery example under a new name and webhook path, with fresh ids, and its
 * sender's parameters overridden by `sender` (jitter off, so that waits are exact).
 */
export function durableExampleVariant(
	name: string,
	path: string,
	sender: Record<string, unknown>,
	credential?: { id: string; name: string },
): WorkflowJson {
	const { workflow } = loadExamples().workflows.find((one) => one.file === 'durable-crm-delivery.json')!;
	const copy = structuredClone(workflow);
	copy.name = name;
	for (const node of copy.nodes) {
		node.id = randomUUID();
		if (node.webhookId) node.webhookId = randomUUID();
		if (node.type === 'n8n-nodes-base.webhook') node.parameters.path = path;
		if (node.name === DURABLE_SENDER) {
			node.parameters = { ...node.parameters, jitterPercent: 0, ...sender };
			if (credential) node.credentials = { signedWebhookApi: credential };
		}
	}
	return copy;
}

/** A node of a workflow JSON by type (first match). */
export function nodeOfType(workflow: WorkflowJson, type: string) {
	const node = workflow.nodes.find((n) => n.type === type);
	if (!node) throw new Error(`${workflow.name} has no ${type} node`);
	return node;
}

/** The node a trigger's main output 0 feeds (the example's CRM step). */
export function nextNode(workflow: WorkflowJson, from: string): string {
	const conn = workflow.connections[from] as { main?: Array<Array<{ node: string }>> } | undefined;
	const to = conn?.main?.[0]?.[0]?.node;
	if (!to) throw new Error(`${workflow.name}: nothing connected after ${from}`);
	return to;
}

/**
 * A workflow fired over HTTP: built-in Webhook (POST /webhook/<path>, answers with the last node's
 * first item) → Set "Payload" (the request body as the item) → Signed Webhook with `send` as its
 * parameters. Its Signed Webhook node is named 'Signed Webhook'.
 */
export function senderWorkflow(
	name: string,
	o: {
		path: string;
		send: Record<string, unknown>;
		credential: { id: string; name: string };
		/** 'lastNode' (default) answers with the first Delivered item; 'onReceived' answers at once. */
		respond?: 'lastNode' | 'onReceived';
	},
): WorkflowJson {
	const id = () => globalThis.crypto.randomUUID();
	return {
		name,
		nodes: [
			{
				parameters: { httpMethod: 'POST', path: o.path, responseMode: o.respond ?? 'lastNode', options: {} },
				id: id(),
				name: 'Start',
				type: 'n8n-nodes-base.webhook',
				typeVersion: 2,
				position: [0, 0],
				webhookId: id(),
			},
			{
				parameters: { mode: 'raw', jsonOutput: '={{ JSON.stringify($json.body) }}', options: {} },
				id: id(),
				name: 'Payload',
				type: 'n8n-nodes-base.set',
				typeVersion: 3.4,
				position: [220, 0],
			},
			{
				parameters: { operation: 'send', ...o.send },
				id: id(),
				name: 'Signed Webhook',
				type: ACTION_TYPE,
				typeVersion: 1,
				position: [440, 0],
				credentials: { [CREDENTIAL_TYPE]: o.credential },
			},
		],
		connections: {
			Start: { main: [[{ node: 'Payload', type: 'main', index: 0 }]] },
			Payload: { main: [[{ node: 'Signed Webhook', type: 'main', index: 0 }]] },
		},
		settings: { executionOrder: 'v1' },
	};
}

/** POSTs `payload` to a sender workflow's Start webhook; returns the status and text answered. */
export async function fireSender(n8n: N8nInstance, path: string, payload: unknown): Promise<{ status: number; text: string }> {
	const res = await fetch(n8n.webhookUrl(null, path), {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify(payload),
	});
	return { status: res.status, text: await res.text() };
}
