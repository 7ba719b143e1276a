/**
 * The registration state machine against an in-memory SubscriptionApi: what it asks the
 * provider, what it keeps in the state, and the errors it speaks in. The same machine runs
 * over n8n's HTTP helpers in test/nodes/SignedWebhookTrigger/registration.test.mts.
 */
import { describe, expect, it } from 'vitest';

import {
	createSubscription,
	deleteSubscription,
	readPath,
	registeredSecret,
	RegistrationError,
	renderBodyTemplate,
	subscriptionExists,
	subscriptionUrl,
	type RegistrationSettings,
	type SubscriptionApi,
	type SubscriptionRequest,
} from '../../nodes/core/registration';

const WEBHOOK_URL = 'https://n8n.example.com/webhook/5f1c/webhook';

const settings = (change: Partial<RegistrationSettings> = {}): RegistrationSettings => ({
	webhookUrl: WEBHOOK_URL,
	createUrl: 'https://api.example.com/v1/webhooks',
	createMethod: 'POST',
	createBody: '{"url":"%WEBHOOK_URL%","events":"%EVENTS%","secret":"%SECRET%"}',
	subscriptionUrl: '',
	idPath: 'id',
	secretPath: 'secret',
	urlPath: 'url',
	replaceExisting: true,
	events: ['lead.*'],
	secretFormat: 'hex',
	...change,
});

/** A provider that keeps subscriptions in a map, answering with `failWith` once when set. */
function fakeApi() {
	const subscriptions = new Map<string, { id: string; url: string }>();
	const sent: SubscriptionRequest[] = [];
	const debugs: string[] = [];
	let next = 0;
	const state = { failWith: undefined as { method: string; status: number } | undefined };
	const api: SubscriptionApi = {
		async send(request) {
			sent.push(request);
			if (state.failWith?.method === request.method) {
				const { status } = state.failWith;
				state.failWith = undefined;
				return { status, body: { error: 'injected' } };
			}
			const id = decodeURIComponent(request.url.split('/v1/webhooks')[1]?.replace(/^\//, '') ?? '');
			if (request.method === 'POST') {
				next += 1;
				const created = { id: `sub_${next}`, url: (request.body as { url: string }).url };
				subscriptions.set(created.id, created);
				return { status: 201, body: created };
			}
			if (request.method === 'GET' && id === '') return { status: 200, body: [...subscriptions.values()] };
			const found = subscriptions.get(id);
			if (!found) return { status: 404, body: {} };
			if (request.method === 'DELETE') subscriptions.delete(id);
			return { status: request.method === 'DELETE' ? 204 : 200, body: found };
		},
		debug: (message) => debugs.push(message),
	};
	return { api, subscriptions, sent, debugs, state };
}

describe('the registration state machine', () => {
	it('creates one subscription, keeps its id, secret and URL, and finds it again', async () => {
		const { api, subscriptions } = fakeApi();
		const state: Record<string, unknown> = {};
		expect(await subscriptionExists(api, settings(), state)).toBe(false);
		await createSubscription(api, settings(), state, new Date('2026-11-22T08:00:00Z'));
		expect(subscriptions.size).toBe(1);
		expect(state).toMatchObject({
			subscriptionId: 'sub_1',
			subscriptionWebhookUrl: WEBHOOK_URL,
			subscriptionCreatedAt: '2026-11-22T08:00:00.000Z',
		});
		expect(registeredSecret(state)).toMatch(/^[0-9a-f]{64}$/);
		expect(await subscriptionExists(api, settings(), state)).toBe(true);
	});

	it('create again keeps the good subscription and asks nothing else', async () => {
		const { api, sent } = fakeApi();
		const state: Record<string, unknown> = {};
		await createSubscription(api, settings(), state);
		const before = sent.length;
		await createSubscription(api, settings(), state);
		expect(sent.slice(before).map((request) => request.method)).toEqual(['GET']);
	});

	it('a subscription gone at the provider is forgotten', async () => {
		const { api, subscriptions } = fakeApi();
		const state: Record<string, unknown> = {};
		await createSubscription(api, settings(), state);
		subscriptions.clear();
		expect(await subscriptionExists(api, settings(), state)).toBe(false);
		expect(state).toEqual({});
	});

	it('a moved webhook URL replaces the subscription', async () => {
		const { api, subscriptions } = fakeApi();
		const state: Record<string, unknown> = {};
		await createSubscription(api, settings(), state);
		const moved = settings({ webhookUrl: 'https://n8n.example.com/webhook/other/webhook' });
		expect(await subscriptionExists(api, moved, state)).toBe(false);
		await createSubscription(api, moved, state);
		expect([...subscriptions.values()].map((one) => one.url)).toEqual([moved.webhookUrl]);
	});

	it('an API that cannot list subscriptions is logged at debug level and still gets one', async () => {
		const { api, subscriptions, debugs, state: provider } = fakeApi();
		provider.failWith = { method: 'GET', status: 405 };
		await createSubscription(api, settings(), {});
		expect(subscriptions.size).toBe(1);
		expect(debugs).toEqual(['Signed webhook: the provider API does not list subscriptions']);
	});

	it('delete removes it and clears the state; deleting nothing is fine', async () => {
		const { api, subscriptions } = fakeApi();
		const state: Record<string, unknown> = {};
		await createSubscription(api, settings(), state);
		await deleteSubscription(api, settings(), state);
		expect(subscriptions.size).toBe(0);
		expect(state).toEqual({});
		await deleteSubscription(api, settings(), state);
	});

	it('speaks in RegistrationError: provider status, missing id, bad template', async () => {
		const { api, state: provider } = fakeApi();
		provider.failWith = { method: 'POST', status: 502 };
		await expect(createSubscription(api, settings(), {})).rejects.toMatchObject({
			reason: 'provider_status',
			status: 502,
			message: 'Creating the webhook subscription failed with HTTP 502',
		});
		await expect(createSubscription(api, settings({ idPath: 'data.id' }), {})).rejects.toMatchObject({
			reason: 'no_subscription_id',
		});
		const bad = createSubscription(api, settings({ createBody: '{"url": %WEBHOOK_URL%' }), {});
		await expect(bad).rejects.toBeInstanceOf(RegistrationError);
		await expect(bad).rejects.toMatchObject({ reason: 'invalid_body_template' });
	});

	it('a secret the provider returns wins; Standard Webhooks gets a whsec_ one', async () => {
		const { api } = fakeApi();
		const withSecret: SubscriptionApi = {
			...api,
			send: async (request) => {
				const answer = await api.send(request);
				return request.method === 'POST' ? { ...answer, body: { ...(answer.body as object), secret: 'provider-secret' } } : answer;
			},
		};
		const state: Record<string, unknown> = {};
		await createSubscription(withSecret, settings(), state);
		expect(registeredSecret(state)).toBe('provider-secret');
		const whsec: Record<string, unknown> = {};
		await createSubscription(api, settings({ secretFormat: 'whsec', webhookUrl: 'https://n8n.example.com/x' }), whsec);
		expect(registeredSecret(whsec)).toMatch(/^whsec_[A-Za-z0-9+/]+=*$/);
	});

	it("a subscription's own URL: the template with %ID%, or the create URL + /id", () => {
		expect(subscriptionUrl('https://api.example.com/hooks/%ID%/config', '', 'a/b')).toBe('https://api.example.com/hooks/a%2Fb/config');
		expect(subscriptionUrl(' ', 'https://api.example.com/v1/webhooks/', 'sub_1')).toBe('https://api.example.com/v1/webhooks/sub_1');
	});
});

describe('registration helpers', () => {
	it('the body template replaces placeholders inside JSON values only', () => {
		const rendered = renderBodyTemplate(
			'{"url":"%WEBHOOK_URL%","events":"%EVENTS%","secret":"%SECRET%","note":"for %EVENTS%"}',
			{ webhookUrl: 'https://x/"quoted"', events: ['lead.*', 'call.completed'], secret: 's3' },
		);
		expect(rendered).toEqual({
			url: 'https://x/"quoted"',
			events: ['lead.*', 'call.completed'],
			secret: 's3',
			note: 'for lead.*,call.completed',
		});
	});

	it('reads dot paths through own properties only', () => {
		expect(readPath({ data: { id: 7 } }, 'data.id')).toBe(7);
		expect(readPath({ items: [{ secret: 's' }] }, 'items.0.secret')).toBe('s');
		expect(readPath({}, 'constructor')).toBeUndefined();
		expect(readPath({ a: 1 }, '')).toBeUndefined();
	});
});
