/**
 * The webhookMethods lifecycle in n8n-core's HookContext, through n8n's own httpRequest helpers,
 * against a fake provider API on loopback: every request below crosses a real socket.
 */
import { NodeApiError, NodeOperationError, type IDataObject } from 'n8n-workflow';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { onCallClerkScheme } from '../../../nodes/core/providers/index';
import { startFakeProviderApi, type FakeProviderApi } from '../../helpers/fakeProviderApi.mjs';
import { BEARER_TOKEN, seed } from '../../helpers/signedRequests.mjs';
import { callWebhook, emitted, freshDedupeMemory, hookContext, methods, WEBHOOK_URL } from '../../helpers/triggerNode.mts';

let api: FakeProviderApi;

beforeEach(async () => {
	api = await startFakeProviderApi();
	freshDedupeMemory();
});
afterEach(async () => api.close());

function hooks(params: Record<string, unknown> = {}, staticData: IDataObject = {}) {
	return hookContext({
		params: {
			provider: 'onCallClerk',
			registration: 'api',
			events: ['lead.captured'],
			customEvents: 'call.*',
			createUrl: `${api.baseUrl}/v1/webhooks`,
			...params,
		},
		credential: { authType: 'bearer', bearerToken: BEARER_TOKEN },
		staticData,
	});
}

describe('Registration: Via provider API', () => {
	it('activate creates exactly one subscription, with the URL, events and a generated secret', async () => {
		const { context, staticData } = hooks();
		expect(await methods.checkExists.call(context)).toBe(false);
		expect(await methods.create.call(context)).toBe(true);
		expect(api.subscriptions.size).toBe(1);
		const [subscription] = api.subscriptions.values();
		expect(subscription.url).toBe(WEBHOOK_URL);
		expect(subscription.events).toEqual(['lead.captured', 'call.*']);
		expect(subscription.secret).toMatch(/^[0-9a-f]{64}$/);
		expect(staticData).toMatchObject({
			subscriptionId: subscription.id,
			subscriptionSecret: subscription.secret,
			subscriptionWebhookUrl: WEBHOOK_URL,
		});
		const create = api.requests.find((request) => request.method === 'POST');
		expect(create?.headers.authorization).toBe(`Bearer ${BEARER_TOKEN}`);
		expect(await methods.checkExists.call(context)).toBe(true);
	});

	it('a secret returned by the provider wins over the generated one', async () => {
		api.providerSecret = 'provider-issued-secret-000111';
		const { context, staticData } = hooks();
		await methods.create.call(context);
		expect(staticData.subscriptionSecret).toBe('provider-issued-secret-000111');
	});

	it('the stored secret verifies deliveries, and the item says current', async () => {
		const { context, staticData } = hooks();
		await methods.create.call(context);
		const body = seed('onCallClerk.lead.captured.json');
		const headers = onCallClerkScheme.sign({ body, secret: staticData.subscriptionSecret as string });
		const { result } = await callWebhook({
			params: { provider: 'onCallClerk', registration: 'api', events: ['*'] },
			credential: { authType: 'none' },
			body,
			headers,
			staticData,
		});
		expect(emitted(result)[0].verification).toMatchObject({ secret: 'current' });
	});

	it('create again does not make a duplicate', async () => {
		const { context } = hooks();
		await methods.create.call(context);
		await methods.create.call(context);
		expect(await methods.checkExists.call(context)).toBe(true);
		await methods.create.call(context);
		expect(api.subscriptions.size).toBe(1);
		expect(api.requests.filter((request) => request.method === 'POST')).toHaveLength(1);
	});

	it('delete removes it: zero subscriptions, static data cleared', async () => {
		const { context, staticData } = hooks();
		await methods.create.call(context);
		expect(await methods.delete.call(context)).toBe(true);
		expect(api.subscriptions.size).toBe(0);
		expect(staticData).toEqual({});
		expect(await methods.checkExists.call(context)).toBe(false);
		expect(await methods.delete.call(context)).toBe(true);
	});

	it('a subscription deleted at the provider is noticed and recreated once', async () => {
		const { context, staticData } = hooks();
		await methods.create.call(context);
		api.subscriptions.clear();
		expect(await methods.checkExists.call(context)).toBe(false);
		expect(staticData.subscriptionId).toBeUndefined();
		await methods.create.call(context);
		expect(api.subscriptions.size).toBe(1);
	});

	it('a new webhook URL replaces the old subscription instead of adding one', async () => {
		const { context, staticData } = hooks();
		await methods.create.call(context);
		const moved = hookContext({
			params: { provider: 'onCallClerk', registration: 'api', createUrl: `${api.baseUrl}/v1/webhooks` },
			staticData,
			webhookId: 'other',
		});
		expect(await methods.checkExists.call(moved.context)).toBe(false);
		await methods.create.call(moved.context);
		expect(api.subscriptions.size).toBe(1);
		expect([...api.subscriptions.values()][0].url).toBe('https://n8n.example.com/webhook/other/webhook');
	});

	it('with the static data lost, create replaces the subscription already pointing here', async () => {
		await methods.create.call(hooks().context);
		const { context, staticData } = hooks();
		await methods.create.call(context);
		expect(api.subscriptions.size).toBe(1);
		expect([...api.subscriptions.values()][0].id).toBe(staticData.subscriptionId);
	});

	it('an API that cannot list subscriptions still gets one subscription', async () => {
		api.failNext = { method: 'GET', status: 405 };
		const { context } = hooks();
		await methods.create.call(context);
		expect(api.subscriptions.size).toBe(1);
	});

	it('subscriptions of other URLs are left alone', async () => {
		api.subscriptions.set('other', { id: 'other', url: 'https://elsewhere.example.com/hook', events: [] });
		await methods.create.call(hooks().context);
		expect(api.subscriptions.size).toBe(2);
		expect(api.subscriptions.has('other')).toBe(true);
	});

	it('Standard Webhooks gets a whsec_ secret', async () => {
		const { context, staticData } = hooks({ provider: 'standardWebhooks' });
		await methods.create.call(context);
		expect(staticData.subscriptionSecret).toMatch(/^whsec_[A-Za-z0-9+/]+=*$/);
	});

	it('a custom body template and id path', async () => {
		const { context } = hooks({
			createBody: '{"url":"%WEBHOOK_URL%","events":"%EVENTS%","secret":"%SECRET%","label":"n8n"}',
			idPath: 'id',
			subscriptionUrl: `${api.baseUrl}/v1/webhooks/%ID%`,
		});
		await methods.create.call(context);
		const create = api.requests.find((request) => request.method === 'POST');
		expect(create?.body).toMatchObject({ label: 'n8n', url: WEBHOOK_URL });
		expect(await methods.checkExists.call(context)).toBe(true);
	});

	describe('provider errors become NodeApiError', () => {
		it('create answered 500', async () => {
			api.failNext = { method: 'POST', status: 500 };
			const { context, staticData } = hooks();
			const error = await methods.create.call(context).catch((caught: unknown) => caught);
			expect(error).toBeInstanceOf(NodeApiError);
			expect((error as NodeApiError).httpCode).toBe('500');
			expect(staticData).toEqual({});
			expect(api.subscriptions.size).toBe(0);
		});

		it('create answered 401 (bad provider credentials)', async () => {
			api.requiredAuthorization = 'Bearer something-else';
			const error = await methods.create.call(hooks().context).catch((caught: unknown) => caught);
			expect(error).toBeInstanceOf(NodeApiError);
			expect((error as NodeApiError).httpCode).toBe('401');
		});

		it('check answered 503', async () => {
			const { context } = hooks();
			await methods.create.call(context);
			api.failNext = { method: 'GET', status: 503 };
			await expect(methods.checkExists.call(context)).rejects.toBeInstanceOf(NodeApiError);
		});

		it('delete answered 500', async () => {
			const { context, staticData } = hooks();
			await methods.create.call(context);
			api.failNext = { method: 'DELETE', status: 500 };
			await expect(methods.delete.call(context)).rejects.toBeInstanceOf(NodeApiError);
			expect(staticData.subscriptionId).toBeDefined();
		});

		it('the provider is unreachable', async () => {
			const { context } = hooks({ createUrl: 'http://127.0.0.1:1/v1/webhooks' });
			await expect(methods.create.call(context)).rejects.toBeInstanceOf(NodeApiError);
		});

		it('the create response has no id', async () => {
			const { context } = hooks({ idPath: 'data.subscription.id' });
			await expect(methods.create.call(context)).rejects.toBeInstanceOf(NodeApiError);
		});

		it('the body template is not JSON', async () => {
			const { context } = hooks({ createBody: '{"url": %WEBHOOK_URL%' });
			await expect(methods.create.call(context)).rejects.toBeInstanceOf(NodeApiError);
			expect(api.requests).toHaveLength(0);
		});
	});
});

describe('Registration: Manual', () => {
	it('does not call any API', async () => {
		const { context } = hooks({ registration: 'manual' });
		expect(await methods.checkExists.call(context)).toBe(true);
		expect(await methods.create.call(context)).toBe(true);
		expect(await methods.delete.call(context)).toBe(true);
		expect(api.requests).toHaveLength(0);
	});
});

describe('an IP Allowlist entry that is not an address fails activation, naming it', () => {
	for (const registration of ['manual', 'api']) {
		it(`${registration} registration`, async () => {
			const { context } = hooks({ registration, options: { ipAllowlist: '203.0.113.0/24, 10.0.0.0/33' } });
			for (const step of [methods.checkExists, methods.create]) {
				const error = await step.call(context).catch((caught: unknown) => caught);
				expect(error).toBeInstanceOf(NodeOperationError);
				expect((error as Error).message).toContain('10.0.0.0/33');
				expect((error as Error).message).not.toContain('203.0.113.0/24');
			}
			expect(api.requests).toHaveLength(0);
			expect(await methods.delete.call(context)).toBe(true);
		});
	}
});
