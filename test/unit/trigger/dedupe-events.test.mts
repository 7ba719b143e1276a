import { beforeEach, describe, expect, it } from 'vitest';

import { DedupeStore, dedupeStoreFor, resetDedupeStores } from '../../../nodes/core/dedupe';
import { createEventFilter, splitEventList } from '../../../nodes/core/eventFilter';
import { callWebhook, emitted, type WebhookCallOptions } from '../../helpers/n8nContext.mjs';
import { signedDelivery, type Delivery } from '../../helpers/signedRequests.mjs';

beforeEach(() => resetDedupeStores());

const options = (delivery: Delivery, params: Record<string, unknown> = {}): WebhookCallOptions => ({
	params: { ...delivery.params, ...params },
	credential: delivery.credential,
	body: delivery.body,
	headers: delivery.headers,
});

describe('DedupeStore', () => {
	it('remembers a key within the window and forgets it after', () => {
		const store = new DedupeStore({ windowSeconds: 60, maxKeys: 10 });
		expect(store.checkAndSet('a', 1_000)).toBe(true);
		expect(store.checkAndSet('a', 30_000)).toBe(false);
		expect(store.checkAndSet('a', 61_001)).toBe(true);
	});

	it('is bounded: past maxKeys the oldest key goes first', () => {
		const store = new DedupeStore({ windowSeconds: 3600, maxKeys: 3 });
		for (const key of ['a', 'b', 'c', 'd']) expect(store.checkAndSet(key, 0)).toBe(true);
		expect(store.size).toBe(3);
		expect(store.has('a', 0)).toBe(false);
		expect(store.checkAndSet('d', 0)).toBe(false);
		expect(store.checkAndSet('a', 0)).toBe(true);
	});

	it('defaults to a 24 h window and 10,000 keys', () => {
		const store = new DedupeStore();
		for (let i = 0; i < 10_500; i++) store.checkAndSet(`k${i}`, 0);
		expect(store.size).toBe(10_000);
		expect(store.checkAndSet('k10499', 24 * 3600 * 1000 - 1)).toBe(false);
		expect(store.checkAndSet('k10499', 24 * 3600 * 1000 + 1)).toBe(true);
	});

	it('a window of 0 turns it off', () => {
		const store = new DedupeStore({ windowSeconds: 0 });
		expect(store.checkAndSet('a')).toBe(true);
		expect(store.checkAndSet('a')).toBe(true);
	});

	it('stores are per node scope', () => {
		const one = dedupeStoreFor('wf:1:webhook', {});
		const two = dedupeStoreFor('wf:2:webhook', {});
		expect(one).not.toBe(two);
		expect(dedupeStoreFor('wf:1:webhook', {})).toBe(one);
	});
});

describe('duplicates get 200 and no execution', () => {
	it('OnCallClerk retry of the same event id', async () => {
		const first = await callWebhook(options(signedDelivery('onCallClerk')));
		expect(emitted(first.result)).toHaveLength(1);
		const retry = await callWebhook(options(signedDelivery('onCallClerk')));
		expect(retry.response).toMatchObject({ status: 200, body: { received: true, status: 'duplicate' } });
		expect(retry.result).toEqual({ noWebhookResponse: true });
	});

	it('outboundIQ retry with the same X-OutboundIQ-Delivery-Id', async () => {
		await callWebhook(options(signedDelivery('outboundIq')));
		const retry = await callWebhook(options(signedDelivery('outboundIq')));
		expect(retry.result.workflowData).toBeUndefined();
		expect(retry.response.status).toBe(200);
	});

	it('Standard Webhooks: the same webhook-id re-signed later is still a duplicate', async () => {
		await callWebhook(options(signedDelivery('standardWebhooks')));
		const again = signedDelivery('standardWebhooks', undefined, { timestamp: Math.floor(Date.now() / 1000) - 30 });
		expect((await callWebhook(options(again))).result.workflowData).toBeUndefined();
	});

	it('concurrent duplicates give exactly one execution', async () => {
		const deliveries = Array.from({ length: 25 }, () => signedDelivery('onCallClerk'));
		const results = await Promise.all(deliveries.map((delivery) => callWebhook(options(delivery))));
		const executions = results.filter((outcome) => outcome.result.workflowData !== undefined);
		expect(executions).toHaveLength(1);
		expect(results.filter((outcome) => outcome.response.status === 200)).toHaveLength(24);
	});

	it('concurrent 100-dial batches with one delivery id: one execution of 100 items', async () => {
		const dials = Array.from({ length: 100 }, (_, i) => ({ callId: `c${i}`, timestamp: '2026-04-10T18:32:15.000Z' }));
		const body = Buffer.from(JSON.stringify({ event: 'dial.batch', deliveryId: 'dup-batch', deliveredAt: '2026-04-10T18:32:16.842Z', dials }));
		const results = await Promise.all(
			Array.from({ length: 10 }, () => callWebhook(options(signedDelivery('outboundIq', body)))),
		);
		const executions = results.filter((outcome) => outcome.result.workflowData !== undefined);
		expect(executions).toHaveLength(1);
		expect(emitted(executions[0].result)).toHaveLength(100);
	});

	it('different nodes keep separate memories', async () => {
		const delivery = signedDelivery('onCallClerk');
		await callWebhook({ ...options(delivery), nodeId: 'a' });
		expect((await callWebhook({ ...options(delivery), nodeId: 'b' })).result.workflowData).toBeDefined();
	});

	it('a Dedupe Key expression overrides a generic preset key', async () => {
		const key = ({ body }: { body: unknown }) => (body as { data: { invoiceId: string } }).data.invoiceId;
		const first = signedDelivery('standardWebhooks', undefined, { id: 'msg_a' });
		const second = signedDelivery('standardWebhooks', undefined, { id: 'msg_b' });
		const one = await callWebhook(options(first, { dedupeKey: key }));
		expect(emitted(one.result)[0].dedupeKey).toBe('inv_42');
		expect((await callWebhook(options(second, { dedupeKey: key }))).result.workflowData).toBeUndefined();
	});

	it('a failing Dedupe Key expression falls back to the preset key', async () => {
		const broken = () => {
			throw new Error('bad expression');
		};
		const { result } = await callWebhook(options(signedDelivery('stripe'), { dedupeKey: broken }));
		expect(emitted(result)[0].dedupeKey).toBe('evt_1Qx');
	});

	it('a dedupe window of 0 lets duplicates through', async () => {
		const params = { options: { dedupeWindowSeconds: 0 } };
		await callWebhook(options(signedDelivery('onCallClerk'), params));
		expect((await callWebhook(options(signedDelivery('onCallClerk'), params))).result.workflowData).toBeDefined();
	});
});

describe('event filter', () => {
	it('exact names, lead.* and * wildcards', () => {
		const leads = createEventFilter(['lead.*']);
		expect(leads.matches('lead.created')).toBe(true);
		expect(leads.matches('lead.bulk_deleted')).toBe(true);
		expect(leads.matches('call.created')).toBe(false);
		expect(leads.matches('lead')).toBe(false);
		expect(createEventFilter(['*']).matches('anything.at.all')).toBe(true);
		expect(createEventFilter([]).all).toBe(true);
		const mixed = createEventFilter(['call.completed', '*.deleted']);
		expect(mixed.matches('call.completed')).toBe(true);
		expect(mixed.matches('contact.deleted')).toBe(true);
		expect(mixed.matches('call.started')).toBe(false);
		expect(createEventFilter(['a.b']).matches('aXb')).toBe(false);
	});

	it('custom names are split on commas and new lines', () => {
		expect(splitEventList(' lead.*, call.completed\nmy.custom ,, ')).toEqual(['lead.*', 'call.completed', 'my.custom']);
	});

	it('an unsubscribed event is answered 200 and starts nothing', async () => {
		const { result, response } = await callWebhook(options(signedDelivery('onCallClerk'), { events: ['call.completed'] }));
		expect(response).toMatchObject({ status: 200, body: { status: 'unsubscribed' } });
		expect(result).toEqual({ noWebhookResponse: true });
	});

	it('a wildcard in Custom Events subscribes', async () => {
		const { result } = await callWebhook(
			options(signedDelivery('onCallClerk'), { events: ['call.completed'], customEvents: 'lead.*' }),
		);
		expect(emitted(result)).toHaveLength(1);
	});

	it('OutCallerAI call.<status> via call.*', async () => {
		const body = Buffer.from(
			JSON.stringify({ event: 'call.no_answer', resource: 'call', action: 'updated', workspaceId: 'w', timestamp: '2026-06-04T05:49:10Z', data: { id: 'call_9' } }),
		);
		const params = { events: ['lead.created'], customEvents: 'call.*' };
		expect(emitted((await callWebhook(options(signedDelivery('outCallerAi', body), params))).result)).toHaveLength(1);
	});

	it('PBX webhook.test: answered 2xx when not subscribed, emitted when subscribed', async () => {
		const body = Buffer.from('{"event":"webhook.test","timestamp":1763800000,"data":{}}');
		const ignored = await callWebhook(options(signedDelivery('pbx', body), { events: ['contact.*'] }));
		expect(ignored.response.status).toBe(200);
		expect(ignored.result.workflowData).toBeUndefined();
		resetDedupeStores();
		const wanted = await callWebhook(options(signedDelivery('pbx', body), { events: ['webhook.test'] }));
		expect(emitted(wanted.result)[0]).toMatchObject({ event: 'webhook.test' });
	});

	it('unsubscribed deliveries are not remembered as seen', async () => {
		await callWebhook(options(signedDelivery('onCallClerk'), { events: ['call.completed'] }));
		expect(emitted((await callWebhook(options(signedDelivery('onCallClerk')))).result)).toHaveLength(1);
	});
});

describe('the 100-dial batch', () => {
	it('gives 100 items, each with its index and the batch size', async () => {
		const dials = Array.from({ length: 100 }, (_, i) => ({
			companySlug: 'abcde123',
			callId: `AB${i}`,
			callDirection: 'outbound',
			timestamp: new Date(Date.UTC(2026, 3, 10, 18, 0, i % 60)).toISOString(),
			contact: i % 2 === 0,
		}));
		const body = Buffer.from(
			JSON.stringify({ event: 'dial.batch', deliveryId: 'batch-100', deliveredAt: '2026-04-10T18:32:16.842Z', dials }),
		);
		const items = emitted((await callWebhook(options(signedDelivery('outboundIq', body)))).result);
		expect(items).toHaveLength(100);
		items.forEach((item, index) => {
			expect(item).toMatchObject({
				event: 'dial.batch',
				deliveryId: 'batch-100',
				deliveredAt: '2026-04-10T18:32:16.842Z',
				dialIndex: index,
				batchSize: 100,
				dedupeKey: `batch-100#${index}`,
				data: { callId: `AB${index}` },
			});
		});
		expect(new Set(items.map((item) => item.dedupeKey)).size).toBe(100);
	});
});
