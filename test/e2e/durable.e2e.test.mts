/**
 * Durable delivery in a real n8n, on the shipped example's wiring (Signed
 * Webhook → Retry Later → built-in Wait "At Specified Time" → back): a
 * receiver that answers 503 for longer than the in-process limit, with n8n
 * restarted while the execution is parked; a delivery that reaches its
 * maximum age; and a receiver that answers `webhook-delivery: abort-message`.
 * The schedule is compressed through the node's own Retry Schedule parameter.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { Execution } from '../../tools/n8n-instance/index.mjs';
import { startReceiver, verifyRequest, type Receiver } from '../helpers/receiver.mts';
import {
	DURABLE_SENDER,
	durableExampleVariant,
	executionCount,
	fireSender,
	itemsOverRuns,
	settledExecutions,
	startInstance,
	type Instance,
} from './exampleKit.mts';
import { waitUntil } from './triggerFleet.mts';

const WHSEC = `whsec_${Buffer.from('durable-e2e-key-0123456789abcdef').toString('base64')}`;
const credential = { id: 'e2eDurableCred01', name: 'e2e durable' };
const exampleVariant = (name: string, path: string, send: Record<string, unknown>) => durableExampleVariant(name, path, send, credential);
const senderItems = (execution: Execution, output: number) => itemsOverRuns(execution, DURABLE_SENDER, output);

describe('durable delivery in a real n8n', () => {
	let receiver: Receiver;
	let instance: Instance;

	beforeAll(async () => {
		receiver = await startReceiver();
		instance = await startInstance('durable', {
			credentials: [{ ...credential, type: 'signedWebhookApi', data: { signingSecret: WHSEC, authType: 'none' } }],
			workflows: [
				exampleVariant('durable restart', 'durable-restart', { urls: receiver.url('/crm'), retrySchedule: '0, 70s, 130s' }),
				exampleVariant('durable max age', 'durable-max-age', { urls: receiver.url('/old'), retrySchedule: '0, 70s, 130s', maxAge: '100s' }),
				exampleVariant('durable abort', 'durable-abort', { urls: receiver.url('/abort') }),
			],
		});
	});

	afterAll(async () => {
		await instance?.stop();
		await receiver?.close();
	});

	it(
		'503 for over three minutes with a restart while parked: arrives once, same webhook-id, fresh signature, Delivered; maximum age ends the other on Failed',
		async () => {
			const n8n = instance.n8n;
			receiver.script('/crm', [
				{ kind: 'status', status: 503, body: 'down' },
				{ kind: 'status', status: 503, body: 'down' },
				{ kind: 'status', status: 200, body: '{"ok":true}' },
			]);
			receiver.script('/old', [{ kind: 'status', status: 503, body: 'down' }]);
			const restartId = instance.workflowId('durable restart');
			const maxAgeId = instance.workflowId('durable max age');
			const lead = { contactId: 'c_durable', name: 'Priya Sharma' };
			expect((await fireSender(n8n, 'durable-restart', lead)).status).toBe(200);
			expect((await fireSender(n8n, 'durable-max-age', { contactId: 'c_old' })).status).toBe(200);

			const parked = await waitUntil(async () => (await executionCount(n8n, restartId, ['waiting'])) === 1, 30_000);
			expect(parked, 'the execution parks in the Wait node').toBe(true);
			expect(receiver.requestsFor('/crm')).toHaveLength(1);
			await n8n.restart();

			const [done] = await settledExecutions(n8n, restartId, 1, 400_000);
			expect(done.status).toBe('success');
			const delivered = senderItems(done, 0);
			expect(senderItems(done, 1)).toEqual([]);
			expect(delivered).toHaveLength(1);
			expect(delivered[0]).toMatchObject({ delivered: true, outcome: 'delivered', status: 200, data: lead });
			expect(delivered[0]).not.toHaveProperty('error');
			expect(delivered[0].attempts.map((attempt: { status: number }) => attempt.status)).toEqual([503, 503, 200]);
			expect(senderItems(done, 2).map((item) => item.retry.attempts)).toEqual([1, 2]);

			const seen = receiver.requestsFor('/crm');
			expect(seen.map((request) => request.fault.kind === 'status' && request.fault.status)).toEqual([503, 503, 200]);
			expect(new Set(seen.map((request) => request.headers['webhook-id']))).toEqual(new Set([delivered[0].deliveryId]));
			expect(seen.every((request) => request.body.equals(seen[0].body))).toBe(true);
			const gaps = seen.slice(1).map((request, index) => (request.receivedAt - seen[index].receivedAt) / 1000);
			expect(gaps[0]).toBeGreaterThanOrEqual(70);
			expect(gaps[1]).toBeGreaterThanOrEqual(130);
			const stamps = seen.map((request) => Number(request.headers['webhook-timestamp']));
			expect(stamps[2] - stamps[0]).toBeGreaterThanOrEqual(200);
			for (const request of seen) {
				const check = await verifyRequest('standardWebhooks', request, [WHSEC]);
				expect(check.ours.ok, JSON.stringify(check.ours)).toBe(true);
				expect(check.reference, check.referenceName).toBe(true);
			}

			const [aged] = await settledExecutions(n8n, maxAgeId, 1, 60_000);
			expect(aged.status).toBe('success');
			expect(senderItems(aged, 0)).toEqual([]);
			expect(senderItems(aged, 1).map((item) => [item.outcome, item.attempts.length])).toEqual([['max_age_exceeded', 2]]);
			expect(receiver.requestsFor('/old')).toHaveLength(2);
		},
		600_000,
	);

	it('webhook-delivery: abort-message ends the delivery on Failed, with no retry', async () => {
		receiver.script('/abort', [{ kind: 'status', status: 503, headers: { 'webhook-delivery': 'abort-message' } }]);
		const id = instance.workflowId('durable abort');
		expect((await fireSender(instance.n8n, 'durable-abort', { contactId: 'c_abort' })).status).toBe(200);
		const [done] = await settledExecutions(instance.n8n, id, 1, 30_000);
		expect(senderItems(done, 1).map((item) => item.outcome)).toEqual(['aborted']);
		expect(senderItems(done, 2)).toEqual([]);
		expect(receiver.requestsFor('/abort')).toHaveLength(1);
	});
});
