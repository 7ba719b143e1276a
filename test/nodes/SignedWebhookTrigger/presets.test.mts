import { beforeEach, describe, expect, it } from 'vitest';

import { callWebhook, emitted, freshDedupeMemory, runWebhook, webhookContext } from '../../helpers/triggerNode.mts';
import {
	PREVIOUS_SECRET,
	PREVIOUS_WHSEC,
	providers,
	signedDelivery,
	type Delivery,
} from '../../helpers/signedRequests.mjs';

const call = (delivery: Delivery, extra: Record<string, unknown> = {}, lazyRawBody = false) =>
	callWebhook({
		params: { ...delivery.params, ...extra },
		credential: delivery.credential,
		body: delivery.body,
		headers: delivery.headers,
		lazyRawBody,
	});

beforeEach(() => freshDedupeMemory());

describe('every preset accepts its correctly signed example delivery', () => {
	for (const provider of providers) {
		it(`${provider}: emits normalized items and lets n8n answer`, async () => {
			const delivery = signedDelivery(provider);
			const { result, response, logs } = await call(delivery);
			expect(response.ended, JSON.stringify(response.body)).toBe(false);
			expect(result.noWebhookResponse).toBeUndefined();
			const items = emitted(result);
			expect(items.length).toBeGreaterThanOrEqual(1);
			for (const item of items) {
				expect(item.provider).toBe(provider);
				expect(typeof item.event).toBe('string');
				expect((item.event as string).length).toBeGreaterThan(0);
				expect(typeof item.id).toBe('string');
				expect(typeof item.dedupeKey).toBe('string');
				expect(new Date(item.occurredAt as string).toISOString()).toBe(item.occurredAt);
				expect(item).toHaveProperty('data');
				expect(item.verification).toMatchObject({ scheme: expect.any(String) });
			}
			expect(logs.filter((log) => log.level === 'warn')).toEqual([]);
		});

		it(`${provider}: reads the body with readRawBody() when rawBody is absent`, async () => {
			const { result } = await call(signedDelivery(provider), {}, true);
			expect(emitted(result).length).toBeGreaterThanOrEqual(1);
		});
	}
});

describe('provider specifics', () => {
	it('OutCallerAI keeps resource, action, workspaceId, previousData and metadata', async () => {
		const body = Buffer.from(
			JSON.stringify({
				event: 'lead.updated',
				resource: 'lead',
				action: 'updated',
				workspaceId: 'ws_1',
				timestamp: '2026-06-04T05:49:10.221000+00:00',
				data: { id: 'lead_123', status: 'contacted' },
				previousData: { status: 'new' },
				metadata: { source: 'ui' },
			}),
		);
		const [item] = emitted((await call(signedDelivery('outCallerAi', body))).result);
		expect(item).toMatchObject({
			event: 'lead.updated',
			provider: 'outCallerAi',
			resource: 'lead',
			action: 'updated',
			workspaceId: 'ws_1',
			previousData: { status: 'new' },
			metadata: { source: 'ui' },
			occurredAt: '2026-06-04T05:49:10.221Z',
			data: { id: 'lead_123', status: 'contacted' },
			dedupeKey: 'lead.updated|lead|lead_123|2026-06-04T05:49:10.221000+00:00',
			verification: { secret: null, scheme: 'authHeader' },
		});
	});

	it('OutCallerAI seed: lead.created with metadata, keyed by event, resource, data.id and timestamp', async () => {
		const [item] = emitted((await call(signedDelivery('outCallerAi'))).result);
		expect(item).toMatchObject({
			event: 'lead.created',
			resource: 'lead',
			action: 'created',
			workspaceId: 'cmpxz43bl00032c6udndznzdg',
			metadata: { source: 'google_drive_sync' },
			data: { id: 'lead_123', name: 'Priya Sharma' },
			dedupeKey: 'lead.created|lead|lead_123|2026-06-04T05:49:10.221000+00:00',
		});
		expect(item).not.toHaveProperty('previousData');
	});

	it('OnCallClerk seed: lead.captured keyed by id, created as ISO', async () => {
		const [item] = emitted((await call(signedDelivery('onCallClerk'))).result);
		expect(item).toMatchObject({
			event: 'lead.captured',
			id: 'evt_01HZ8X9...',
			dedupeKey: 'evt_01HZ8X9...',
			occurredAt: new Date(1715200000 * 1000).toISOString(),
			data: { call_id: 'call_01HZ8X9...', lead: { name: 'Jordan Reyes' } },
			verification: { secret: 'current', scheme: 'onCallClerk' },
		});
	});

	it('Lead Update Callback seed: one item per request, body as data', async () => {
		const items = emitted((await call(signedDelivery('leadUpdateCallback'))).result);
		expect(items).toHaveLength(1);
		expect(items[0]).toMatchObject({
			event: 'lead.updated',
			leadId: 'lead_7781',
			occurredAt: '2026-02-02T11:43:16.000Z',
			data: { status: 'Interested', disposition: 'Callback Scheduled' },
		});
	});

	it('outboundIQ seed: one item per dial with deliveryId, deliveredAt, dialIndex, batchSize', async () => {
		const items = emitted((await call(signedDelivery('outboundIq'))).result);
		expect(items).toHaveLength(1);
		expect(items[0]).toMatchObject({
			event: 'dial.batch',
			deliveryId: '550e8400-e29b-41d4-a716-446655440000',
			deliveredAt: '2026-04-10T18:32:16.842Z',
			dialIndex: 0,
			batchSize: 1,
			occurredAt: '2026-04-10T18:32:15.000Z',
			data: { callId: 'AB12345', disposition: 'Sale' },
			verification: { secret: 'current', scheme: 'outboundIq' },
		});
	});

	it('PBX seed: extension.created with the body timestamp as occurredAt', async () => {
		const delivery = signedDelivery('pbx');
		const [item] = emitted((await call(delivery)).result);
		expect(item).toMatchObject({
			event: 'extension.created',
			occurredAt: new Date(1710700000 * 1000).toISOString(),
			data: { extension: '1001', first_name: 'John' },
			verification: { secret: 'current', scheme: 'pbx' },
		});
		// Keyed by the signature, an HMAC of timestamp.body: the body is not hashed a second time.
		expect(item.dedupeKey).toBe(`extension.created|1710700000|${delivery.headers['X-Webhook-Signature']}`);
	});

	it('Standard Webhooks: keyed by webhook-id', async () => {
		const [item] = emitted((await call(signedDelivery('standardWebhooks'))).result);
		expect(item).toMatchObject({ event: 'invoice.paid', id: 'msg_2b7fXq', dedupeKey: 'msg_2b7fXq' });
	});

	it('Stripe-style: keyed by event id, keeps livemode and api_version', async () => {
		const [item] = emitted((await call(signedDelivery('stripe'))).result);
		expect(item).toMatchObject({
			event: 'payment_intent.succeeded',
			id: 'evt_1Qx',
			livemode: false,
			api_version: '2024-06-20',
			data: { object: { id: 'pi_3' } },
		});
	});

	it('GitHub-style: event from X-GitHub-Event, id from X-GitHub-Delivery', async () => {
		const [item] = emitted((await call(signedDelivery('github'))).result);
		expect(item).toMatchObject({
			event: 'workflow_run',
			id: '72d3162e-cc78-11e3-81ab-4c9367dc0958',
			action: 'completed',
			hookId: '292430182',
		});
	});

	it('Shopify-style: topic and webhook id from headers', async () => {
		const [item] = emitted((await call(signedDelivery('shopify'))).result);
		expect(item).toMatchObject({
			event: 'orders/create',
			dedupeKey: 'b54557e4-bdd9-4b37-8a5f-bf7d70bcd043',
			shopDomain: 'acme.myshopify.com',
			occurredAt: '2026-11-22T08:00:00.000Z',
		});
	});

	it('Custom HMAC: scheme, event and id fields come from the parameters', async () => {
		const [item] = emitted((await call(signedDelivery('customHmac'))).result);
		expect(item).toMatchObject({
			event: 'ticket.opened',
			id: 't_77',
			occurredAt: '2026-11-22T07:59:00.000Z',
			data: { ticket: 77 },
			verification: { secret: 'current', scheme: 'customHmac' },
		});
	});

	it('Custom HMAC with unusable settings answers 500 bad_configuration instead of throwing', async () => {
		const delivery = signedDelivery('customHmac');
		const { result, response } = await call(delivery, { customTimestampHeader: '' });
		expect(result).toEqual({ noWebhookResponse: true });
		expect(response).toMatchObject({ status: 500, body: { error: 'bad_configuration' } });
	});
});

describe('rotation: the previous secret still verifies, and the item says so', () => {
	for (const provider of providers.filter((name) => !['outCallerAi', 'leadUpdateCallback'].includes(name))) {
		it(provider, async () => {
			const secret = provider === 'standardWebhooks' ? PREVIOUS_WHSEC : PREVIOUS_SECRET;
			const items = emitted((await call(signedDelivery(provider, undefined, { secret }))).result);
			expect(items.length).toBeGreaterThanOrEqual(1);
			expect(items[0].verification).toMatchObject({ secret: 'previous' });
		});
	}
});

describe('options', () => {
	it('Include Headers adds the headers with the auth value redacted', async () => {
		const delivery = signedDelivery('outCallerAi');
		const [item] = emitted((await call(delivery, { options: { includeHeaders: true } })).result);
		const headers = item.headers as Record<string, string>;
		expect(headers['x-outcaller-event']).toBe('lead.created');
		expect(headers.authorization).toBe('[redacted]');
	});

	it('Include Raw Body attaches the exact bytes as binary', async () => {
		const delivery = signedDelivery('onCallClerk');
		const { result } = await call(delivery, { options: { includeRawBody: true, binaryPropertyName: 'raw' } });
		const binary = result.workflowData?.[0][0].binary?.raw;
		expect(Buffer.from(binary?.data ?? '', 'base64').equals(delivery.body)).toBe(true);
		expect(binary?.mimeType).toBe('application/json');
	});

	it('with the Rejected output on, accepted items go to the first output and the second is empty', async () => {
		const { result } = await call(signedDelivery('onCallClerk'), { rejectedOutput: true });
		expect(result.workflowData).toHaveLength(2);
		expect(result.workflowData?.[0]).toHaveLength(1);
		expect(result.workflowData?.[1]).toEqual([]);
	});

	it('if the raw body cannot be stored: 500, no execution, and the retry is not a duplicate', async () => {
		const delivery = signedDelivery('onCallClerk');
		const call = { params: { ...delivery.params, options: { includeRawBody: true } }, credential: delivery.credential, body: delivery.body, headers: delivery.headers };
		const { context, response } = webhookContext(call);
		(context.helpers as unknown as { prepareBinaryData: () => Promise<never> }).prepareBinaryData = async () => {
			throw new Error('binary store full');
		};
		const { result } = await runWebhook(context);
		expect(result).toEqual({ noWebhookResponse: true });
		expect(response).toMatchObject({ status: 500, body: { error: 'internal_error' } });
		expect(emitted((await callWebhook(call)).result)).toHaveLength(1);
	});

	it('an auth-header preset trusted through the IP allowlist alone says so', async () => {
		const delivery = signedDelivery('leadUpdateCallback', undefined, { credential: { authType: 'none' } });
		const { result } = await callWebhook({
			params: { ...delivery.params, options: { ipAllowlist: '127.0.0.1' } },
			credential: delivery.credential,
			body: delivery.body,
			headers: {},
		});
		expect(emitted(result)[0].verification).toEqual({ secret: null, scheme: 'ipAllowlist' });
	});
});
