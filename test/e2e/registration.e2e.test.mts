/**
 * Subscription registration (Registration: Via Provider API) in a real n8n, against the fake
 * provider API on loopback (test/helpers/fakeProviderApi.mts): activating the workflow creates
 * exactly one subscription pointing at the production URL; restarting n8n keeps exactly one
 * (checkExists finds it); a delivery signed with the secret it registered is accepted;
 * deactivating deletes it.
 */
import { randomUUID } from 'node:crypto';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { standardWebhooksScheme } from '../../nodes/core/schemes/index';
import { startFakeProviderApi, viaProviderApi, type FakeProviderApi } from '../helpers/fakeProviderApi.mts';
import { nodeItems, settledExecutions, startInstance, type Instance } from './exampleKit.mts';
import { postRaw, TRIGGER_TYPE, waitUntil } from './triggerFleet.mts';

const TOKEN = 'registration-e2e-provider-token-3d7a';
const WORKFLOW = 'registration via provider API';
const webhookId = randomUUID();
const credential = { id: 'e2eRegisterCred1', name: 'e2e registration' };

/**
 * n8n 2.41 publishes through its publication service by default; on start-up that service
 * trusts its own webhook table and calls no webhook method, so checkExists only runs on the
 * legacy activation path (N8N_USE_WORKFLOW_PUBLICATION_SERVICE=false), which re-adds every
 * webhook with checkExists → create. Both must end with exactly one subscription.
 */
const modes: Array<{ label: string; env: Record<string, string>; legacy: boolean }> = [
	{ label: 'publication service (n8n 2.x default)', env: {}, legacy: false },
	{ label: 'legacy activation', env: { N8N_USE_WORKFLOW_PUBLICATION_SERVICE: 'false' }, legacy: true },
];

describe.each(modes)('registration via a provider API, across an n8n restart: $label', ({ env, legacy }) => {
	let api: FakeProviderApi;
	let instance: Instance;
	let workflowId: string;
	let productionUrl: string;

	const posts = () => api.requests.filter((r) => r.method === 'POST');

	// The harness waits on /publication-status, which the legacy path does not serve (404); there
	// the activate/deactivate endpoints run the webhook methods before they answer.
	async function activate() {
		if (!legacy) return void (await instance.n8n.activateWorkflow(workflowId));
		const wf = await instance.n8n.rest('GET', `/rest/workflows/${workflowId}`);
		await instance.n8n.rest('POST', `/rest/workflows/${workflowId}/activate`, { versionId: wf.versionId });
	}
	async function deactivate() {
		if (!legacy) return void (await instance.n8n.deactivateWorkflow(workflowId));
		await instance.n8n.rest('POST', `/rest/workflows/${workflowId}/deactivate`, {});
	}
	async function published(): Promise<boolean> {
		if (!legacy) return (await instance.n8n.rest('GET', `/rest/workflows/${workflowId}/publication-status`)).status === 'published';
		const wf = await instance.n8n.rest('GET', `/rest/workflows/${workflowId}`);
		return wf.active === true && typeof wf.activeVersionId === 'string';
	}

	beforeAll(async () => {
		api = await startFakeProviderApi();
		api.requiredAuthorization = `Bearer ${TOKEN}`;
		const workflow = {
			name: WORKFLOW,
			nodes: [
				{
					parameters: {
						provider: 'standardWebhooks',
						...viaProviderApi(api),
						events: ['*'],
						customEvents: 'contact.*',
						options: {},
					},
					id: randomUUID(),
					name: 'Signed Webhook Trigger',
					type: TRIGGER_TYPE,
					typeVersion: 1,
					position: [0, 0],
					webhookId,
					credentials: { signedWebhookApi: credential },
				},
				{ parameters: {}, id: randomUUID(), name: 'CRM step', type: 'n8n-nodes-base.noOp', typeVersion: 1, position: [240, 0] },
			],
			connections: { 'Signed Webhook Trigger': { main: [[{ node: 'CRM step', type: 'main', index: 0 }]] } },
			settings: { executionOrder: 'v1' },
		};
		instance = await startInstance('registration', {
			// Bearer: the node sends the credential's auth header to the provider API.
			credentials: [{ ...credential, type: 'signedWebhookApi', data: { authType: 'bearer', bearerToken: TOKEN } }],
			workflows: [workflow],
			publish: false,
			env,
		});
		workflowId = instance.workflowId(WORKFLOW);
		productionUrl = instance.n8n.webhookUrl(webhookId, 'webhook');
	});

	afterAll(async () => {
		await instance?.stop();
		await api?.close();
	});

	it('has no subscription while the workflow is not published', () => {
		expect(api.subscriptions.size).toBe(0);
		expect(posts()).toHaveLength(0);
	});

	it('activate → exactly one subscription, for the production URL, with the credential auth', async () => {
		await activate();
		expect(await published()).toBe(true);
		expect(api.subscriptions.size).toBe(1);
		const [sub] = [...api.subscriptions.values()];
		expect(sub.url).toBe(productionUrl);
		expect(sub.events).toEqual(['*', 'contact.*']);
		expect(sub.secret).toMatch(/^whsec_/);
		expect(posts()).toHaveLength(1);
		expect(posts()[0].headers.authorization).toBe(`Bearer ${TOKEN}`);
		// Nothing the API answered 401: every call carried the credential.
		expect(api.requests.every((r) => r.headers.authorization === `Bearer ${TOKEN}`)).toBe(true);
	});

	/** A delivery signed with the secret the node registered (plus the credential's bearer, which the trigger also checks). */
	async function deliver(id: string) {
		const [sub] = [...api.subscriptions.values()];
		const body = Buffer.from(JSON.stringify({ type: 'contact.created', timestamp: new Date().toISOString(), data: { id } }));
		const headers = standardWebhooksScheme.sign({ body, secret: sub.secret!, id: `msg_${randomUUID()}`, timestamp: Math.floor(Date.now() / 1000) });
		return await postRaw(
			productionUrl,
			[['Content-Type', 'application/json'], ['Authorization', `Bearer ${TOKEN}`], ...(Object.entries(headers) as Array<[string, string]>)],
			body,
		);
	}

	it('a delivery signed with the registered secret starts the workflow; a wrong signature does not', async () => {
		const bad = await postRaw(
			productionUrl,
			[['Content-Type', 'application/json'], ['Authorization', `Bearer ${TOKEN}`]],
			'{"type":"contact.created","data":{}}',
		);
		expect(bad.status, bad.text).toBe(401);
		const res = await deliver('c_reg_1');
		expect(res.status, res.text).toBe(200);
		const [exec] = await settledExecutions(instance.n8n, workflowId, 1);
		expect(nodeItems(exec, 'Signed Webhook Trigger')[0]).toMatchObject({ event: 'contact.created', data: { id: 'c_reg_1' } });
	});

	it('restart n8n → still exactly one subscription, and its secret still verifies', async () => {
		const before = api.requests.length;
		const pid = instance.n8n.pid;
		await instance.n8n.restart();
		expect(instance.n8n.pid).not.toBe(pid);
		expect(await published()).toBe(true);
		expect(api.subscriptions.size).toBe(1);
		const since = api.requests.slice(before).map((r) => `${r.method} ${r.path}`);
		expect(since.filter((r) => !r.startsWith('GET ')), 'no create or delete on restart').toEqual([]);
		const [sub] = [...api.subscriptions.values()];
		if (legacy) expect(since, 'checkExists asked the API').toContain(`GET /v1/webhooks/${sub.id}`);
		else expect(since, 'n8n called no webhook method').toEqual([]);
		// The registered secret survived in the workflow's static data.
		const res = await deliver('c_reg_2');
		expect(res.status, res.text).toBe(200);
		await settledExecutions(instance.n8n, workflowId, 2);
	});

	it('deactivate → zero subscriptions', async () => {
		await deactivate();
		// Unpublishing may settle just before the delete hook has finished.
		await waitUntil(async () => api.subscriptions.size === 0, 10_000, 100);
		expect(api.subscriptions.size).toBe(0);
		expect(api.requests.filter((r) => r.method === 'DELETE')).toHaveLength(1);
		expect(await published()).toBe(false);
	});
});
