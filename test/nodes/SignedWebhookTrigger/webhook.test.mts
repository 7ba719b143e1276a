/**
 * webhook() in n8n-core's WebhookContext, with the node's real parameter defaults: accepted
 * deliveries, duplicates, the event filter, the Dedupe Key expression and batches.
 */
import { beforeEach, describe, expect, it } from 'vitest';

import { callWebhook, emitted, freshDedupeMemory, runWebhook, webhookContext, type WebhookCall } from '../../helpers/triggerNode.mts';
import { SECRET, signedDelivery, type Delivery } from '../../helpers/signedRequests.mjs';

beforeEach(() => freshDedupeMemory());

const options = (delivery: Delivery, params: Record<string, unknown> = {}): WebhookCall => ({
	params: { ...delivery.params, ...params },
	credential: delivery.credential,
	body: delivery.body,
	headers: delivery.headers,
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

	it('n8n could not start the execution (it answered 5xx after webhook() returned): the retry runs', async () => {
		const first = webhookContext(options(signedDelivery('onCallClerk')));
		expect(emitted((await runWebhook(first.context)).result)).toHaveLength(1);
		first.answerAsN8n(500);
		expect(emitted((await callWebhook(options(signedDelivery('onCallClerk')))).result)).toHaveLength(1);
	});

	it('n8n started the execution (it answered 200): the retry is a duplicate', async () => {
		const first = webhookContext(options(signedDelivery('onCallClerk')));
		expect(emitted((await runWebhook(first.context)).result)).toHaveLength(1);
		first.answerAsN8n(200);
		const retry = await callWebhook(options(signedDelivery('onCallClerk')));
		expect(retry.response).toMatchObject({ status: 200, body: { status: 'duplicate' } });
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
		const key = '={{ $json.body.data.invoiceId }}';
		const first = signedDelivery('standardWebhooks', undefined, { id: 'msg_a' });
		const second = signedDelivery('standardWebhooks', undefined, { id: 'msg_b' });
		const one = await callWebhook(options(first, { dedupeKey: key }));
		expect(emitted(one.result)[0].dedupeKey).toBe('inv_42');
		expect((await callWebhook(options(second, { dedupeKey: key }))).result.workflowData).toBeUndefined();
	});

	it('a failing Dedupe Key expression falls back to the preset key', async () => {
		const broken = '={{ $json.body.no.such.field }}';
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
		freshDedupeMemory();
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

describe('parameters resolved by n8n', () => {
	it('emits a verified OnCallClerk event', async () => {
		const { result, response } = await callWebhook(options(signedDelivery('onCallClerk'), { events: ['lead.captured'] }));
		expect(response.status).toBeUndefined();
		expect(result.workflowData?.[0][0].json).toMatchObject({ event: 'lead.captured', provider: 'onCallClerk' });
	});

	it('with only the provider set, the defaults subscribe to every event and add one output', async () => {
		const delivery = signedDelivery('onCallClerk');
		const { result } = await callWebhook({ ...options(delivery), params: { provider: 'onCallClerk' } });
		expect(result.workflowData).toHaveLength(1);
		expect(emitted(result)).toHaveLength(1);
	});

	it('reads the raw body when n8n has not yet', async () => {
		const { result } = await callWebhook({ ...options(signedDelivery('onCallClerk')), lazyRawBody: true });
		expect(emitted(result)).toHaveLength(1);
	});

	it('the Dedupe Key expression sees the request body', async () => {
		const params = { dedupeKey: '={{ $json.body.data.invoiceId }}' };
		const first = await callWebhook(options(signedDelivery('standardWebhooks', undefined, { id: 'msg_1' }), params));
		expect(emitted(first.result)[0].dedupeKey).toBe('inv_42');
		const second = await callWebhook(options(signedDelivery('standardWebhooks', undefined, { id: 'msg_2' }), params));
		expect(second.result).toEqual({ noWebhookResponse: true });
	});

});

describe('item options', () => {
	it('Include Headers adds the headers with the auth header values redacted', async () => {
		const delivery = signedDelivery('leadUpdateCallback');
		const headers = { ...delivery.headers, Authorization: 'Bearer something' };
		const { result } = await callWebhook({ ...options(delivery, { options: { includeHeaders: true } }), headers });
		const [item] = emitted(result);
		expect(item.headers).toMatchObject({ authorization: '[redacted]', 'x-api-key': '[redacted]', 'content-type': 'application/json' });
	});

	it('Include Raw Body attaches the exact bytes as binary', async () => {
		const delivery = signedDelivery('onCallClerk');
		const { result } = await callWebhook(options(delivery, { options: { includeRawBody: true, binaryPropertyName: 'raw' } }));
		const binary = result.workflowData?.[0][0].binary?.raw;
		expect(binary?.mimeType).toBe('application/json');
		expect(Buffer.from(binary?.data ?? '', 'base64').equals(delivery.body)).toBe(true);
	});
});

describe('__proto__ and constructor keys do not pollute', () => {
	it('through webhook() with a valid signature', async () => {
		const body = Buffer.from(
			'{"id":"evt_p","type":"lead.captured","created":1715200000,"__proto__":{"polluted":"yes"},"constructor":{"prototype":{"polluted":"yes"}},"data":{"__proto__":{"polluted":"yes"},"lead":{"name":"x"}}}',
		);
		const { result } = await callWebhook({
			params: { provider: 'onCallClerk', events: ['*'], options: { includeHeaders: true } },
			credential: { signingSecret: SECRET },
			body,
			headers: { ...signedDelivery('onCallClerk', body).headers, __proto__: 'x' } as Record<string, string>,
		});
		const [item] = emitted(result);
		expect(item.event).toBe('lead.captured');
		expect(({} as Record<string, unknown>).polluted).toBeUndefined();
		expect((Object.prototype as Record<string, unknown>).polluted).toBeUndefined();
		const data = item.data as Record<string, unknown>;
		expect(Object.getPrototypeOf(data)).toBe(Object.prototype);
		expect(data.polluted).toBeUndefined();
		// A deep copy, as n8n makes of items, stays clean too.
		const copy = JSON.parse(JSON.stringify(item)) as Record<string, unknown>;
		expect(copy.polluted).toBeUndefined();
	});
});
