/**
 * A real n8n with one published Signed Webhook Trigger workflow per spec (trigger -> NoOp), for
 * the reliability suites (corpus, load, secrets). A thin layer over tools/n8n-instance, which it
 * does not change; adds what those suites need: raw sends with repeated headers, and exact
 * execution counts (n8n's count, without listing every execution).
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

import { request, type Dispatcher } from 'undici';

import type { SignedWebhookCredential } from '../../nodes/core/credentialCheck';
import { getFreePort, newId, startN8n, type N8nInstance } from '../../tools/n8n-instance/index.mjs';

export const TRIGGER_TYPE = 'n8n-nodes-signed-webhooks.signedWebhookTrigger';
const TRIGGER_NODE = 'Signed Webhook Trigger';

export interface TriggerSpec {
	/** Name the suite uses for this workflow. */
	key: string;
	provider: string;
	credential: SignedWebhookCredential;
	/** More trigger parameters (events, customHmac settings, ...). */
	params?: Record<string, unknown>;
	/** The trigger's Options collection. */
	options?: Record<string, unknown>;
}

export interface TriggerFleet {
	n8n: N8nInstance;
	url(key: string): string;
	workflowId(key: string): string;
	/** Exact number of executions (of one workflow, or all), whatever their status. */
	executionCount(key?: string): Promise<number>;
	/** Executions still new/running/waiting. */
	unfinishedCount(key?: string): Promise<number>;
	stop(): Promise<void>;
}

function workflowFor(spec: TriggerSpec, credentialId: string, webhookId: string) {
	return {
		name: `reliability ${spec.key}`,
		nodes: [
			{
				parameters: { provider: spec.provider, events: ['*'], ...(spec.params ?? {}), options: spec.options ?? {} },
				id: randomUUID(),
				name: TRIGGER_NODE,
				type: TRIGGER_TYPE,
				typeVersion: 1,
				position: [0, 0],
				webhookId,
				credentials: { signedWebhookApi: { id: credentialId, name: `reliability ${spec.key}` } },
			},
			{ parameters: {}, id: randomUUID(), name: 'CRM step', type: 'n8n-nodes-base.noOp', typeVersion: 1, position: [240, 0] },
		],
		connections: { [TRIGGER_NODE]: { main: [[{ node: 'CRM step', type: 'main', index: 0 }]] } },
		settings: { executionOrder: 'v1' },
	};
}

export async function startTriggerFleet(label: string, specs: TriggerSpec[], env: Record<string, string> = {}): Promise<TriggerFleet> {
	const folder = await mkdtemp(path.join(os.tmpdir(), `sw-e2e-${label}-`));
	const byKey = new Map(specs.map((spec) => [spec.key, { spec, credentialId: newId(), webhookId: randomUUID() }]));
	const credentials = [...byKey.values()].map(({ spec, credentialId }) => ({
		id: credentialId,
		name: `reliability ${spec.key}`,
		type: 'signedWebhookApi',
		data: spec.credential,
	}));
	const workflows = [...byKey.values()].map(({ spec, credentialId, webhookId }) => workflowFor(spec, credentialId, webhookId));
	let n8n: N8nInstance;
	try {
		n8n = await startN8n({ userFolder: folder, port: await getFreePort(), workflows, credentials, env });
	} catch (error) {
		await rm(folder, { recursive: true, force: true });
		throw error;
	}
	const ids = new Map(n8n.workflows.map((w) => [w.name, w.id]));
	const workflowId = (key: string) => {
		const id = ids.get(`reliability ${key}`);
		if (!id) throw new Error(`no workflow ${key}`);
		return id;
	};
	const page = (key: string | undefined, status?: string[]) => executionCount(n8n, key ? workflowId(key) : undefined, status);
	return {
		n8n,
		url: (key) => n8n.webhookUrl(byKey.get(key)!.webhookId, 'webhook'),
		workflowId,
		executionCount: (key) => page(key),
		unfinishedCount: (key) => page(key, ['new', 'running', 'waiting']),
		async stop() {
			await n8n?.stop();
			await rm(folder, { recursive: true, force: true });
		},
	};
}

/** Exact number of executions (of one workflow, or all), whatever their status unless given; never n8n's estimate. */
export async function executionCount(n8n: N8nInstance, workflowId?: string, status?: string[]): Promise<number> {
	const filter: Record<string, unknown> = workflowId ? { workflowId } : {};
	if (status) filter.status = status;
	const page = await n8n.rest<{ count: number; estimated?: boolean }>(
		'GET',
		`/rest/executions?filter=${encodeURIComponent(JSON.stringify(filter))}&limit=1`,
	);
	if (page.estimated) throw new Error('n8n returned an estimated execution count');
	return page.count;
}

export interface RawResponse {
	status: number;
	text: string;
	headers: Record<string, string | string[] | undefined>;
}

/** POST with exact headers (a name may repeat) and body bytes. */
export async function postRaw(
	url: string,
	headerPairs: Array<[string, string]>,
	body: Buffer | string,
	dispatcher?: Dispatcher,
): Promise<RawResponse> {
	const flat: string[] = [];
	for (const [name, value] of headerPairs) flat.push(name, value);
	const response = await request(url, { method: 'POST', headers: flat, body, dispatcher });
	const text = await response.body.text();
	return { status: response.statusCode, text, headers: response.headers };
}

/** Polls until `done()` holds or the time is up; returns whether it held. Bounded. */
export async function waitUntil(done: () => Promise<boolean>, timeoutMs: number, everyMs = 500): Promise<boolean> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		if (await done()) return true;
		if (Date.now() > deadline) return false;
		await new Promise((resolve) => setTimeout(resolve, everyMs));
	}
}
