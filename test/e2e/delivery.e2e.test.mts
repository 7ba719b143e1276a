/**
 * Delivery from the Signed Webhook node inside a real n8n to a loopback receiver
 * (test/helpers/receiver.mts): 503, 503, then 200 ends in Delivered after exactly 3 attempts,
 * each freshly signed and checked by the receiver with the reference implementation; a receiver
 * that keeps answering 503 ends in Failed after Max Attempts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { startReceiver, verifyRequest, type Receiver } from '../helpers/receiver.mts';
import { fireSender, nodeItems, senderWorkflow, settledExecutions, startInstance, type Instance } from './exampleKit.mts';

const WHSEC = `whsec_${Buffer.from('delivery-e2e-key-0123456789abcdef').toString('base64')}`;
const credential = { id: 'e2eDeliveryCred1', name: 'e2e delivery' };

describe('Signed Webhook delivery with retries in a real n8n', () => {
	let receiver: Receiver;
	let instance: Instance;

	const send = (path: string) => ({
		urls: receiver.url(path),
		signatureScheme: 'standardWebhooks',
		envelope: 'standardWebhooks',
		event: 'contact.updated',
		maxAttempts: 4,
		timeoutMs: 5_000,
		options: { backoffBaseMs: 200, backoffCapMs: 400 },
	});

	beforeAll(async () => {
		receiver = await startReceiver();
		instance = await startInstance('delivery', {
			credentials: [{ ...credential, type: 'signedWebhookApi', data: { signingSecret: WHSEC, authType: 'none' } }],
			workflows: [
				senderWorkflow('delivery 503 twice', { path: 'delivery-503-twice', credential, send: send('/flaky') }),
				// lastNode would answer 500 "No item to return was found": Delivered stays empty.
				senderWorkflow('delivery always 503', { path: 'delivery-always-503', credential, send: send('/down'), respond: 'onReceived' }),
			],
		});
	});

	afterAll(async () => {
		await instance?.stop();
		await receiver?.close();
	});

	it('503, 503, then 200: three attempts and the item in Delivered', async () => {
		receiver.script('/flaky', [
			{ kind: 'status', status: 503, body: '{"error":"busy"}' },
			{ kind: 'status', status: 503, body: '{"error":"busy"}' },
			{ kind: 'status', status: 200, body: '{"ok":true}' },
		]);
		const payload = { contactId: 'c_503', name: 'Priya Sharma' };
		const res = await fireSender(instance.n8n, 'delivery-503-twice', payload);
		expect(res.status, res.text).toBe(200);

		const [exec] = await settledExecutions(instance.n8n, instance.workflowId('delivery 503 twice'), 1);
		expect(exec.status).toBe('success');
		const delivered = nodeItems(exec, 'Signed Webhook', 0);
		const failed = nodeItems(exec, 'Signed Webhook', 1);
		expect(failed).toEqual([]);
		expect(delivered).toHaveLength(1);
		expect(delivered[0]).toMatchObject({ delivered: true, outcome: 'delivered', status: 200, url: receiver.url('/flaky'), data: payload });
		expect(delivered[0].attempts.map((a: { status: number }) => a.status)).toEqual([503, 503, 200]);

		// The receiver saw exactly those three requests: same message id, each one validly signed.
		const seen = receiver.requestsFor('/flaky');
		expect(seen.map((r) => r.attempt)).toEqual([1, 2, 3]);
		expect(new Set(seen.map((r) => r.headers['webhook-id'])).size).toBe(1);
		expect(seen[0].headers['webhook-id']).toBe(delivered[0].deliveryId);
		for (const request of seen) {
			const check = await verifyRequest('standardWebhooks', request, [WHSEC]);
			expect(check.ours.ok, JSON.stringify(check.ours)).toBe(true);
			expect(check.reference, check.referenceName).toBe(true);
			expect(JSON.parse(request.body.toString('utf8'))).toMatchObject({ type: 'contact.updated', data: payload });
		}
	});

	it('a receiver that keeps answering 503 ends in Failed after Max Attempts', async () => {
		receiver.script('/down', [{ kind: 'status', status: 503, body: '{"error":"down"}' }]);
		const res = await fireSender(instance.n8n, 'delivery-always-503', { contactId: 'c_down' });
		expect(res.status, res.text).toBe(200);

		const [exec] = await settledExecutions(instance.n8n, instance.workflowId('delivery always 503'), 1);
		expect(exec.status).toBe('success');
		expect(nodeItems(exec, 'Signed Webhook', 0)).toEqual([]);
		const failed = nodeItems(exec, 'Signed Webhook', 1);
		expect(failed).toHaveLength(1);
		expect(failed[0]).toMatchObject({ delivered: false, status: 503 });
		expect(failed[0].attempts.map((a: { status: number }) => a.status)).toEqual([503, 503, 503, 503]);
		expect(receiver.requestsFor('/down')).toHaveLength(4);
	});
});
