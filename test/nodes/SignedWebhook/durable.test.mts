/**
 * Durable mode of the Signed Webhook node inside n8n-core's ExecuteContext,
 * with n8n's real HTTP helpers, against a real loopback receiver. The Wait
 * node's part (holding an item until its time) is played by moving the
 * carried nextAttemptAt into the past.
 */
import type { INodeExecutionData } from 'n8n-workflow';
import { describe, expect, it } from 'vitest';

import { executeContext, node, receiverForFile } from '../../helpers/executeNode.mjs';
import { verifyRequest, type Fault } from '../../helpers/receiver.mjs';

const WHSEC = `whsec_${Buffer.from('durable-node-key-0123456789abcd').toString('base64')}`;
const credential = { signingSecret: WHSEC, authType: 'none' };

const receiver = await receiverForFile();

// With the default 10% jitter the second attempt comes 72 to 88 s later: never under the 65 s that
// the node would sleep in process.
const DURABLE = {
	retryMode: 'durable',
	retrySchedule: '0, 80s, 140s',
	durableInManualRuns: true,
	timeoutMs: 2000,
};

interface Outputs {
	delivered: INodeExecutionData[];
	failed: INodeExecutionData[];
	retryLater: INodeExecutionData[];
}

async function run(
	parameters: Record<string, unknown>,
	items: Array<Record<string, unknown>>,
	continueOnFail = false,
): Promise<Outputs> {
	const context = executeContext({ parameters, items, credential: credential as never, continueOnFail });
	const [delivered, failed, retryLater = []] = (await node.execute.call(context)) as INodeExecutionData[][];
	return { delivered, failed, retryLater };
}

/** What the Wait node does: hands the item back once its time has come. */
const dueNow = (item: INodeExecutionData) => {
	const json = structuredClone(item.json) as Record<string, Record<string, unknown>>;
	json.retry.nextAttemptAt = new Date(Date.now() - 1000).toISOString();
	return json;
};

const down: Fault = { kind: 'status', status: 503, body: 'down' };
const ok: Fault = { kind: 'status', status: 200, body: '{"ok":true}' };

describe('durable mode', () => {
	it('503, parked on Retry Later; back after its time: same id and bytes, fresh valid signature, Delivered', async () => {
		receiver.script('/crm', [down, ok]);
		const lead = { id: 'lead_7', name: 'Zoë Ürban' };
		const first = await run({ ...DURABLE, urls: receiver.url('/crm') }, [lead]);
		expect(first.delivered).toEqual([]);
		expect(first.failed).toEqual([]);
		expect(first.retryLater).toHaveLength(1);
		const parked = first.retryLater[0];
		const state = parked.json.retry as Record<string, unknown>;
		expect(state).toMatchObject({ version: 1, phase: 'pending', attempts: 1, items: [lead], url: receiver.url('/crm') });
		const waitMs = Date.parse(String(state.nextAttemptAt)) - Date.now();
		expect(waitMs).toBeGreaterThan(65_000);
		expect(waitMs).toBeLessThanOrEqual(88_000);

		// Another URL and scheme in the parameters now: a carried item does not read them.
		const second = await run({ ...DURABLE, urls: receiver.url('/elsewhere'), signatureScheme: 'stripe' }, [dueNow(parked)]);
		expect(second.retryLater).toEqual([]);
		expect(second.delivered).toHaveLength(1);
		expect(second.delivered[0].json).toMatchObject({ delivered: true, outcome: 'delivered', status: 200, data: lead });
		expect(second.delivered[0].json).not.toHaveProperty('error');
		expect((second.delivered[0].json.attempts as unknown[]).length).toBe(2);

		const requests = receiver.requestsFor('/crm');
		expect(receiver.requestsFor('/elsewhere')).toEqual([]);
		expect(requests).toHaveLength(2);
		expect(requests[1].body.equals(requests[0].body)).toBe(true);
		expect(requests[1].headers['webhook-id']).toBe(requests[0].headers['webhook-id']);
		for (const request of requests) {
			const check = await verifyRequest('standardWebhooks', request, [WHSEC]);
			expect(check.ours).toMatchObject({ ok: true });
			expect(check.reference).toBe(true);
		}
	});

	it('an item back before its time leaves on Retry Later again, unsent and uncounted', async () => {
		receiver.script('/early', [down]);
		const first = await run({ ...DURABLE, urls: receiver.url('/early') }, [{ id: 1 }]);
		const again = await run({ ...DURABLE, urls: receiver.url('/early') }, [first.retryLater[0].json]);
		expect(again.retryLater.map((item) => item.json.retry)).toEqual([first.retryLater[0].json.retry]);
		expect(receiver.requestsFor('/early')).toHaveLength(1);
	});

	it('Retry Later is sorted earliest first; a pending pair never fails the node, a final one does', async () => {
		receiver.script('/slow', [down]);
		receiver.script('/gone', [{ kind: 'status', status: 410 }]);
		const items = [{ id: 'a' }, { id: 'b' }];
		const parameters = { ...DURABLE, retrySchedule: '0, 2h', urls: receiver.url('/slow'), onFinalFailure: 'error' };
		const pending = await run(parameters, items);
		expect(pending.retryLater).toHaveLength(2);
		const times = pending.retryLater.map((item) => (item.json.retry as { nextAttemptAt: string }).nextAttemptAt);
		expect(times).toEqual([...times].sort());
		await expect(run({ ...parameters, urls: receiver.url('/gone') }, items)).rejects.toThrow(/gone/);
	});

	it('a Failed item fed back is replayed with its original id and body', async () => {
		receiver.script('/replay', [{ kind: 'status', status: 422 }, ok]);
		const first = await run({ ...DURABLE, urls: receiver.url('/replay') }, [{ id: 'lead_9' }]);
		expect(first.failed.map((item) => item.json.outcome)).toEqual(['rejected']);
		const replayed = await run({ ...DURABLE, urls: receiver.url('/unused') }, [first.failed[0].json]);
		expect(replayed.delivered.map((item) => item.json.deliveryId)).toEqual([first.failed[0].json.deliveryId]);
		const [original, replay] = receiver.requestsFor('/replay');
		expect(replay.body.equals(original.body)).toBe(true);
		expect(replay.headers['webhook-id']).toBe(original.headers['webhook-id']);
	});

	it('abort-message from the receiver ends the delivery on Failed', async () => {
		receiver.script('/abort', [{ kind: 'status', status: 503, headers: { 'webhook-delivery': 'abort-message' } }]);
		const result = await run({ ...DURABLE, urls: receiver.url('/abort') }, [{ id: 1 }]);
		expect(result.failed.map((item) => item.json.outcome)).toEqual(['aborted']);
		expect(result.retryLater).toEqual([]);
	});

	it('a manual run without "Durable in Manual Runs" retries in this execution and Retry Later stays empty', async () => {
		receiver.script('/manual', [down, ok]);
		const result = await run(
			{ ...DURABLE, durableInManualRuns: false, urls: receiver.url('/manual'), options: { backoffBaseMs: 10, backoffCapMs: 20 } },
			[{ id: 1 }],
		);
		expect(result.delivered.map((item) => item.json.outcome)).toEqual(['delivered']);
		expect(result.retryLater).toEqual([]);
		expect(receiver.requestsFor('/manual')).toHaveLength(2);
	});

	it('a manual run without the option still sends a carried item from its state, not as new data', async () => {
		receiver.script('/carried', [down, ok]);
		const first = await run({ ...DURABLE, urls: receiver.url('/carried') }, [{ id: 'lead_3' }]);
		const again = await run({ ...DURABLE, durableInManualRuns: false, urls: receiver.url('/unused') }, [dueNow(first.retryLater[0])]);
		expect(again.delivered.map((item) => [item.json.outcome, item.json.data])).toEqual([['delivered', { id: 'lead_3' }]]);
		const [original, resent] = receiver.requestsFor('/carried');
		expect(resent.body.equals(original.body)).toBe(true);
		expect(receiver.requestsFor('/unused')).toEqual([]);
	});

	it('an unreadable state fails its item with the reason', async () => {
		const result = await run({ ...DURABLE, urls: receiver.url('/x') }, [{ retry: { version: 99 } }], true);
		expect(result.failed.map((item) => item.json.error)).toEqual(['retry state version 99 is not one this package reads']);
		expect(receiver.requests).toEqual([]);
	});
});
