/**
 * The trigger inside n8n-core's own WebhookContext and HookContext, rather
 * than the hand-made mocks: real parameter resolution (defaults, displayOptions,
 * expressions over the request), real credential lookup through the
 * credentials helper, and for registration, n8n's own httpRequest helpers
 * talking to the loopback fake provider API.
 */

import { HookContext, WebhookContext } from 'n8n-core';
import {
	NodeApiError,
	NodeHelpers,
	Workflow,
	type ICredentialDataDecryptedObject,
	type IHttpRequestOptions,
	type INode,
	type IWebhookData,
	type IWorkflowExecuteAdditionalData,
} from 'n8n-workflow';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { SignedWebhookApi } from '../../../credentials/SignedWebhookApi.credentials';
import { resetDedupeStores } from '../../../nodes/core/dedupe';
import { SignedWebhookTrigger } from '../../../nodes/SignedWebhookTrigger/SignedWebhookTrigger.node';
import { startFakeProviderApi, type FakeProviderApi } from '../../helpers/fakeProviderApi.mjs';
import { BEARER_TOKEN, signedDelivery, type Delivery } from '../../helpers/signedRequests.mjs';
import { installN8nCoreStandIns, logs, singleNodeTypes } from '../../helpers/n8nCoreStandIns.mts';

beforeAll(() => installN8nCoreStandIns());

const trigger = new SignedWebhookTrigger();
const nodeTypes = singleNodeTypes(trigger);

function makeWorkflow(parameters: Record<string, unknown>, staticData: Record<string, unknown> = {}) {
	const node: INode = {
		id: 'node-core-1',
		name: 'Signed Webhook Trigger',
		type: 'n8n-nodes-signed-webhooks.signedWebhookTrigger',
		typeVersion: 1,
		position: [0, 0],
		webhookId: '5f1c',
		parameters: parameters as INode['parameters'],
		credentials: { signedWebhookApi: { id: 'cred-1', name: 'Signed Webhook' } },
	};
	const workflow = new Workflow({
		id: 'wf-core',
		name: 'core test',
		nodes: [node],
		connections: {},
		active: true,
		nodeTypes,
		staticData: { [`node:${node.name}`]: staticData },
	});
	return { workflow, node: workflow.getNode(node.name) as INode };
}

function additionalData(credential: ICredentialDataDecryptedObject, http: { req?: unknown; res?: unknown } = {}) {
	const credentialType = new SignedWebhookApi();
	return {
		httpRequest: http.req,
		httpResponse: http.res,
		timezone: 'UTC',
		variables: {},
		webhookBaseUrl: 'https://n8n.example.com/webhook',
		webhookTestBaseUrl: 'https://n8n.example.com/webhook-test',
		webhookWaitingBaseUrl: 'webhook-waiting',
		formWaitingBaseUrl: 'form-waiting',
		instanceBaseUrl: 'https://n8n.example.com/',
		restApiUrl: 'https://n8n.example.com/rest',
		credentialsHelper: {
			getDecrypted: async () => ({ ...credential }),
			isCredentialUsableByNode: () => true,
			getParentTypes: () => [],
			preAuthentication: async () => undefined,
			authenticate: async (credentials: ICredentialDataDecryptedObject, _type: string, options: IHttpRequestOptions) =>
				await (credentialType.authenticate as (c: ICredentialDataDecryptedObject, o: IHttpRequestOptions) => Promise<IHttpRequestOptions>)(
					credentials,
					options,
				),
		},
	} as unknown as IWorkflowExecuteAdditionalData;
}

async function deliver(delivery: Delivery, parameters: Record<string, unknown> = {}) {
	const { workflow, node } = makeWorkflow({ ...delivery.params, ...parameters });
	const headers = Object.fromEntries(Object.entries(delivery.headers).map(([name, value]) => [name.toLowerCase(), value]));
	const response: { status?: number; body?: unknown } = {};
	const req = {
		headers: { 'content-type': 'application/json', ...headers },
		body: JSON.parse(delivery.body.toString('utf8')),
		rawBody: delivery.body,
		ip: '203.0.113.5',
		params: {},
		query: {},
		readRawBody: async () => undefined,
	};
	const res = {
		status(code: number) {
			response.status = code;
			return res;
		},
		json(body: unknown) {
			response.body = body;
			return res;
		},
	};
	const webhookData = { webhookDescription: { name: 'default' }, isTest: false } as unknown as IWebhookData;
	const context = new WebhookContext(
		workflow,
		node,
		additionalData(delivery.credential as ICredentialDataDecryptedObject, { req, res }),
		'webhook',
		webhookData,
		[],
		null,
	);
	const result = await trigger.webhook.call(context);
	return { result, response };
}

beforeEach(() => {
	resetDedupeStores();
	logs.length = 0;
});

describe('description expressions, evaluated by n8n', () => {
	it('the subtitle shows the provider name', () => {
		const { workflow, node } = makeWorkflow({ provider: 'outboundIq' });
		const subtitle = workflow.expression.getSimpleParameterValue(node, trigger.description.subtitle as string, 'internal', {});
		expect(subtitle).toBe('outboundIQ');
	});

	it('the outputs are one, or two with the Rejected output on', () => {
		for (const [rejectedOutput, names] of [
			[false, ['Accepted']],
			[true, ['Accepted', 'Rejected']],
		] as const) {
			const { workflow, node } = makeWorkflow({ provider: 'pbx', rejectedOutput });
			const outputs = NodeHelpers.getNodeOutputs(workflow, node, trigger.description) as Array<{ type: string; displayName: string }>;
			expect(outputs.map((output) => output.displayName)).toEqual(names);
			expect(outputs.every((output) => output.type === 'main')).toBe(true);
		}
	});
});

describe('webhook() in n8n-core WebhookContext', () => {
	it('emits a verified OnCallClerk event with parameters resolved by n8n', async () => {
		const { result, response } = await deliver(signedDelivery('onCallClerk'), { events: ['lead.captured'] });
		expect(response.status).toBeUndefined();
		expect(result.workflowData?.[0][0].json).toMatchObject({ event: 'lead.captured', provider: 'onCallClerk' });
	});

	it('answers 200 without an execution for an unsubscribed event', async () => {
		const { result, response } = await deliver(signedDelivery('onCallClerk'), { events: ['call.completed'] });
		expect(result).toEqual({ noWebhookResponse: true });
		expect(response.status).toBe(200);
	});

	it('rejects a bad signature with 401 and logs it through the n8n logger', async () => {
		const { result, response } = await deliver(signedDelivery('outboundIq', undefined, { secret: 'wrong-secret-000' }));
		expect(result).toEqual({ noWebhookResponse: true });
		expect(response).toMatchObject({ status: 401, body: { error: 'mismatch' } });
		expect(logs.find((log) => log.level === 'warn')?.meta).toMatchObject({
			reason: 'mismatch',
			provider: 'outboundIq',
			deliveryId: '550e8400-e29b-41d4-a716-446655440000',
			sourceIp: '203.0.113.5',
		});
	});

	it('evaluates a Dedupe Key expression over the request body', async () => {
		const params = { dedupeKey: '={{ $json.body.data.invoiceId }}' };
		const first = await deliver(signedDelivery('standardWebhooks', undefined, { id: 'msg_1' }), params);
		expect(first.result.workflowData?.[0][0].json.dedupeKey).toBe('inv_42');
		const second = await deliver(signedDelivery('standardWebhooks', undefined, { id: 'msg_2' }), params);
		expect(second.result).toEqual({ noWebhookResponse: true });
	});

	it('applies the IP allowlist to the client address n8n reports', async () => {
		const { response } = await deliver(signedDelivery('leadUpdateCallback'), { options: { ipAllowlist: '198.51.100.0/24' } });
		expect(response).toMatchObject({ status: 403, body: { error: 'ip_not_allowed' } });
	});
});

describe('webhookMethods in n8n-core HookContext, over n8n httpRequest helpers', () => {
	let api: FakeProviderApi;
	beforeAll(async () => {
		api = await startFakeProviderApi();
	});
	afterAll(async () => api.close());

	function hookContext(parameters: Record<string, unknown>, staticData: Record<string, unknown>) {
		const { workflow, node } = makeWorkflow(
			{
				provider: 'onCallClerk',
				registration: 'api',
				createUrl: `${api.baseUrl}/v1/webhooks`,
				events: ['lead.captured'],
				...parameters,
			},
			staticData,
		);
		const webhookData = { webhookDescription: { name: 'default', httpMethod: 'POST', path: 'webhook' }, isTest: false } as unknown as IWebhookData;
		const context = new HookContext(
			workflow,
			node,
			additionalData({ authType: 'bearer', bearerToken: BEARER_TOKEN }),
			'trigger',
			'activate',
			webhookData,
		);
		return { context, workflow };
	}

	it('create, checkExists, create again and delete leave exactly what they should', async () => {
		const { context, workflow } = hookContext({}, {});
		const methods = trigger.webhookMethods.default;
		expect(await methods.checkExists.call(context)).toBe(false);
		await methods.create.call(context);
		await methods.create.call(context);
		expect(api.subscriptions.size).toBe(1);
		const [subscription] = api.subscriptions.values();
		expect(subscription.url).toMatch(/\/webhook\/5f1c\/webhook$/);
		const post = api.requests.find((request) => request.method === 'POST');
		expect(post?.headers.authorization).toBe(`Bearer ${BEARER_TOKEN}`);
		const staticData = workflow.staticData['node:Signed Webhook Trigger'] as Record<string, unknown>;
		expect(staticData.subscriptionId).toBe(subscription.id);
		expect(await methods.checkExists.call(context)).toBe(true);
		await methods.delete.call(context);
		expect(api.subscriptions.size).toBe(0);
	});

	it('a provider error becomes NodeApiError', async () => {
		api.failNext = { method: 'POST', status: 502 };
		const { context } = hookContext({}, {});
		await expect(trigger.webhookMethods.default.create.call(context)).rejects.toBeInstanceOf(NodeApiError);
	});
});
