import { describe, expect, it } from 'vitest';

import type { DeliveryResult, IncomingResponse, OutgoingRequest } from '../../nodes/core/delivery';
import {
	deliverPlan,
	groupResults,
	isItemOutcome,
	planDeliveries,
	type DeliverySettings,
	type PlanInput,
} from '../../nodes/core/deliveryPlan';
import { ConfigError, envelopeFor } from '../../nodes/core/outbound';

const NOW = new Date('2026-11-22T10:00:00.000Z');

const settings = (overrides: Partial<DeliverySettings> = {}): DeliverySettings => ({
	scheme: null,
	urls: ['https://a.example/hook', 'https://b.example/hook'],
	envelope: envelopeFor('none'),
	event: 'lead.created',
	headers: { 'X-Extra': '1' },
	userAgent: 'ua/1',
	deliveryId: 'msg_1',
	idempotencyHeader: 'Idempotency-Key',
	policy: { maxAttempts: 1, baseMs: 0, capMs: 0, deadlineMs: 1000 },
	timeoutMs: 500,
	...overrides,
});

const input = (overrides: Partial<PlanInput> = {}): PlanInput => ({
	items: [{ n: 0 }, { n: 1 }, { n: 2 }],
	batch: { size: 1, key: '' },
	testEvent: false,
	now: NOW,
	settingsFor: () => settings(),
	...overrides,
});

const result = (url: string, delivered: boolean): DeliveryResult => ({
	deliveryId: 'msg_1',
	url,
	event: 'lead.created',
	delivered,
	outcome: delivered ? 'delivered' : 'rejected',
	status: delivered ? 200 : 400,
	attempts: [],
	responseBody: '',
	responseTruncated: false,
	signatureHeaders: {},
});

describe('planDeliveries', () => {
	it('one batch per item by default, one delivery per URL, the body and headers built once per batch', () => {
		const asked: number[] = [];
		const plan = planDeliveries(
			input({
				settingsFor: (itemIndex) => {
					asked.push(itemIndex);
					return settings({ deliveryId: `msg_${itemIndex}` });
				},
			}),
		);
		expect(asked).toEqual([0, 1, 2]);
		expect(plan.batches.map((batch) => batch.items)).toEqual([[0], [1], [2]]);
		expect(plan.batches.map((batch) => batch.data)).toEqual([[{ n: 0 }], [{ n: 1 }], [{ n: 2 }]]);
		const [a, b] = plan.batches[1].deliveries;
		expect([a.url, b.url]).toEqual(['https://a.example/hook', 'https://b.example/hook']);
		expect(a.body).toBe(b.body);
		expect(a.headers).toBe(b.headers);
		expect(JSON.parse(a.body.toString())).toEqual({ n: 1 });
		expect(a).toMatchObject({
			deliveryId: 'msg_1',
			event: 'lead.created',
			timeoutMs: 500,
			headers: { 'User-Agent': 'ua/1', 'X-Extra': '1', 'Content-Type': 'application/json', 'Idempotency-Key': 'msg_1' },
		});
	});

	it('cuts the items into batches, each read from its first item and sent under the batch key', () => {
		const items = Array.from({ length: 250 }, (_, index) => ({ index }));
		const asked: number[] = [];
		const plan = planDeliveries(
			input({
				items,
				batch: { size: 100, key: 'records' },
				settingsFor: (itemIndex) => {
					asked.push(itemIndex);
					return settings({ urls: ['https://a.example/hook'] });
				},
			}),
		);
		expect(asked).toEqual([0, 100, 200]);
		expect(plan.batches.map((batch) => batch.items.length)).toEqual([100, 100, 50]);
		expect(plan.batches[2].items[0]).toBe(200);
		const body = JSON.parse(plan.batches[2].deliveries[0].body.toString());
		expect(body.records).toEqual(items.slice(200));
	});

	it('no items, no batches', () => {
		expect(planDeliveries(input({ items: [] })).batches).toEqual([]);
	});

	it('a test event is one batch of one, whatever the input, with the test payload in the body', () => {
		const plan = planDeliveries(input({ testEvent: true, items: [{ x: 1 }, { x: 2 }], settingsFor: () => settings({ envelope: envelopeFor('pbx'), event: 'webhook.test' }) }));
		expect(plan.batches).toHaveLength(1);
		expect(plan.batches[0]).toMatchObject({ items: [0], data: [{}] });
		expect(JSON.parse(plan.batches[0].deliveries[0].body.toString())).toEqual({
			event: 'webhook.test',
			timestamp: Math.floor(NOW.getTime() / 1000),
			data: { test: true, message: 'Test event from the n8n Signed Webhook node', sentAt: NOW.toISOString() },
		});
		expect(planDeliveries(input({ testEvent: true, items: [] })).batches[0].items).toEqual([0]);
	});

	it('a batch whose settings fail keeps its error and plans nothing; the others are planned', () => {
		const problem = new ConfigError('urls', 'URLs: at least one http or https URL is required');
		const plan = planDeliveries(
			input({
				settingsFor: (itemIndex) => {
					if (itemIndex === 1) throw problem;
					return settings();
				},
			}),
		);
		expect(plan.batches[1]).toEqual({ items: [1], data: [{ n: 1 }], deliveries: [], error: problem });
		expect(plan.batches[0].deliveries).toHaveLength(2);
		expect(plan.batches[2].deliveries).toHaveLength(2);
		expect(plan.batches[0].error).toBeUndefined();
	});
});

describe('groupResults', () => {
	it('every (item, URL) pair once, in input order, on its output; the items of a failed plan fail with its error', () => {
		const problem = new ConfigError('event', 'Event: an event name is required');
		const plan = {
			batches: [
				{ items: [0, 1], data: [{ n: 0 }, { n: 1 }], deliveries: [] },
				{ items: [2], data: [{ n: 2 }], deliveries: [], error: problem },
				{ items: [3], data: [{ n: 3 }], deliveries: [] },
			],
		};
		const report = groupResults(plan, [
			[result('https://a', true), result('https://b', false)],
			[],
			[result('https://a', true), result('https://b', true)],
		]);
		expect(report.delivered.map((outcome) => [outcome.itemIndex, outcome.result.url, outcome.batch])).toEqual([
			[0, 'https://a', { size: 2, position: 0 }],
			[1, 'https://a', { size: 2, position: 1 }],
			[3, 'https://a', undefined],
			[3, 'https://b', undefined],
		]);
		expect(report.delivered[1].data).toEqual({ n: 1 });
		expect(report.failed.map((entry) => (isItemOutcome(entry) ? [entry.itemIndex, entry.result.url] : [entry.itemIndex, entry.error]))).toEqual([
			[0, 'https://b'],
			[1, 'https://b'],
			[2, problem],
		]);
		expect('batch' in report.delivered[2]).toBe(false);
	});
});

describe('deliverPlan', () => {
	it('runs each planned delivery once, within the concurrency, and regroups the results by item', async () => {
		let inFlight = 0;
		let peak = 0;
		const sent: OutgoingRequest[] = [];
		const plan = planDeliveries(input({ items: Array.from({ length: 6 }, (_, n) => ({ n })) }));
		const report = await deliverPlan(plan, 3, {
			send: async (request): Promise<IncomingResponse> => {
				sent.push(request);
				inFlight++;
				peak = Math.max(peak, inFlight);
				await new Promise((resolve) => setTimeout(resolve, 5));
				inFlight--;
				return { status: request.url.startsWith('https://a') ? 200 : 503, headers: {}, body: Buffer.alloc(0), truncated: false };
			},
			sleep: async () => undefined,
			now: () => Date.now(),
			random: () => 0,
		});
		expect(sent).toHaveLength(12);
		expect(peak).toBe(3);
		expect(report.delivered.map((outcome) => outcome.itemIndex)).toEqual([0, 1, 2, 3, 4, 5]);
		expect(report.delivered.every((outcome) => outcome.result.url === 'https://a.example/hook')).toBe(true);
		expect(report.failed.map((entry) => [entry.itemIndex, isItemOutcome(entry) && entry.result.outcome])).toEqual(
			[0, 1, 2, 3, 4, 5].map((itemIndex) => [itemIndex, 'retries_exhausted']),
		);
	});
});
