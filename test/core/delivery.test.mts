import { describe, expect, it } from 'vitest';

import {
	classifyError,
	deliver,
	excerpt,
	mergeHeaders,
	type DeliverySpec,
	type IncomingResponse,
	type OutgoingRequest,
} from '../../nodes/core/delivery';
import { standardWebhooksScheme } from '../../nodes/core/schemes/index';
import { fakeClock } from '../helpers/fakeClock.mts';

const WHSEC = `whsec_${Buffer.from('delivery-unit-key-0123456789ab').toString('base64')}`;

/** A clock that only moves when slept on or when a send takes time. */
function fakeWorld(script: Array<Partial<IncomingResponse> | Error>, sendMs = 5) {
	const clock = fakeClock();
	const sent: OutgoingRequest[] = [];
	return {
		sent,
		sleeps: clock.sleeps,
		deps: {
			now: clock.now,
			random: () => 0.5,
			sleep: clock.sleep,
			send: async (request: OutgoingRequest): Promise<IncomingResponse> => {
				sent.push(request);
				clock.pass(sendMs);
				const step = script[Math.min(sent.length, script.length) - 1];
				if (step instanceof Error) throw step;
				return { status: 200, headers: {}, body: Buffer.alloc(0), truncated: false, ...step };
			},
		},
	};
}

const spec = (overrides: Partial<DeliverySpec> = {}): DeliverySpec => ({
	url: 'https://receiver.example/hook',
	deliveryId: 'msg_stable_1',
	event: 'lead.created',
	body: Buffer.from('{"type":"lead.created","data":{"name":"Zoë"}}'),
	headers: { 'Content-Type': 'application/json', 'Idempotency-Key': 'msg_stable_1' },
	signer: ({ body, id, timestamp }) => standardWebhooksScheme.sign({ body, id, timestamp, secret: WHSEC }),
	policy: { maxAttempts: 5, baseMs: 1000, capMs: 8000, deadlineMs: 60_000 },
	timeoutMs: 10_000,
	...overrides,
});

const networkError = (code: string) => Object.assign(new Error(`connect ${code}`), { code });

describe('deliver', () => {
	it('500 then 200: two attempts, same bytes and id, each signed afresh', async () => {
		const world = fakeWorld([{ status: 500, body: Buffer.from('oops') }, { status: 200, body: Buffer.from('ok') }]);
		const result = await deliver(spec(), world.deps);
		expect(result).toMatchObject({ delivered: true, outcome: 'delivered', status: 200, responseBody: 'ok' });
		expect(result.attempts.map((attempt) => attempt.status)).toEqual([500, 200]);
		expect(world.sleeps).toEqual([500]);
		expect(world.sent[0].body).toBe(world.sent[1].body);
		expect(world.sent.map((request) => request.headers['webhook-id'])).toEqual(['msg_stable_1', 'msg_stable_1']);
		const timestamps = world.sent.map((request) => Number(request.headers['webhook-timestamp']));
		expect(timestamps[1]).toBeGreaterThanOrEqual(timestamps[0]);
		expect(result.attempts.map((attempt) => attempt.signedAt)).toEqual(timestamps);
		for (const request of world.sent) {
			expect(
				standardWebhooksScheme.verify({
					body: request.body,
					headers: Object.fromEntries(Object.entries(request.headers).map(([k, v]) => [k.toLowerCase(), v])),
					secrets: [WHSEC],
					nowSeconds: Number(request.headers['webhook-timestamp']),
				}).ok,
			).toBe(true);
		}
		expect(result.signatureHeaders['webhook-id']).toBe('msg_stable_1');
	});

	it('a fresh timestamp per attempt when the waits cross seconds', async () => {
		const world = fakeWorld([{ status: 503, headers: { 'retry-after': '2' } }, { status: 503, headers: { 'Retry-After': '3' } }, { status: 200 }]);
		const result = await deliver(spec(), world.deps);
		expect(world.sleeps).toEqual([2000, 3000]);
		const stamps = result.attempts.map((attempt) => attempt.signedAt);
		expect(new Set(stamps).size).toBe(3);
		expect(stamps[1] - stamps[0]).toBe(2);
		expect(stamps[2] - stamps[1]).toBe(3);
	});

	it('gives up after max attempts on network errors, reporting the error class', async () => {
		const world = fakeWorld([networkError('ECONNREFUSED')]);
		const result = await deliver(spec({ policy: { maxAttempts: 3, baseMs: 100, capMs: 1000, deadlineMs: 60_000 } }), world.deps);
		expect(result).toMatchObject({ delivered: false, outcome: 'retries_exhausted', status: null, error: 'connection_refused' });
		expect(result.attempts).toHaveLength(3);
		expect(result.attempts.every((attempt) => attempt.error === 'connection_refused' && attempt.errorCode === 'ECONNREFUSED')).toBe(true);
		expect(world.sleeps).toEqual([50, 100]);
	});

	it.each([
		[410, 'gone'],
		[400, 'rejected'],
		[301, 'redirect'],
		[302, 'redirect'],
	] as const)('%i is final after one attempt: %s', async (status, outcome) => {
		const world = fakeWorld([{ status, headers: { Location: 'https://elsewhere.example/' } }]);
		const result = await deliver(spec(), world.deps);
		expect(result).toMatchObject({ delivered: false, outcome, status });
		expect(result.attempts).toHaveLength(1);
		if (outcome === 'redirect') expect(result.location).toBe('https://elsewhere.example/');
		else expect(result.location).toBeUndefined();
	});

	it('stops at the overall deadline and cuts the last timeout to what is left', async () => {
		const world = fakeWorld([networkError('ETIMEDOUT')], 4000);
		const result = await deliver(
			spec({ timeoutMs: 4000, policy: { maxAttempts: 10, baseMs: 1000, capMs: 1000, deadlineMs: 10_000 } }),
			world.deps,
		);
		expect(result.outcome).toBe('deadline_exceeded');
		expect(result.error).toBe('timeout');
		expect(world.sent[0].timeoutMs).toBe(4000);
		expect(world.sent.at(-1)!.timeoutMs).toBeLessThan(4000);
	});

	it('sends no signature headers for "None"', async () => {
		const world = fakeWorld([{ status: 204 }]);
		const result = await deliver(spec({ signer: undefined }), world.deps);
		expect(result.signatureHeaders).toEqual({});
		expect(Object.keys(world.sent[0].headers)).toEqual(['Content-Type', 'Idempotency-Key']);
	});
});

describe('classifyError', () => {
	it('reads codes on the error and on its cause chain', () => {
		expect(classifyError(networkError('ECONNRESET'))).toEqual({ errorClass: 'connection_reset', code: 'ECONNRESET' });
		expect(classifyError(networkError('ECONNABORTED'))).toEqual({ errorClass: 'timeout', code: 'ECONNABORTED' });
		expect(classifyError(networkError('ENOTFOUND'))).toEqual({ errorClass: 'dns', code: 'ENOTFOUND' });
		expect(classifyError({ cause: { cause: { code: 'EPIPE' } } }).errorClass).toBe('connection_reset');
		expect(classifyError(new Error('socket hang up')).errorClass).toBe('connection_reset');
		expect(classifyError(new Error('something odd')).errorClass).toBe('network');
	});
});

describe('excerpt', () => {
	it('keeps at most 2 KB and never splits a UTF-8 character', () => {
		const body = Buffer.from('€'.repeat(1000));
		const text = excerpt(body);
		expect(Buffer.byteLength(text)).toBeLessThanOrEqual(2048);
		expect(text).toBe('€'.repeat(682));
		expect(excerpt(Buffer.from('short'))).toBe('short');
	});
});

describe('mergeHeaders', () => {
	it('later lists win, case-insensitively', () => {
		expect(mergeHeaders({ 'content-type': 'text/plain', A: '1' }, { 'Content-Type': 'application/json' }, undefined)).toEqual({
			A: '1',
			'Content-Type': 'application/json',
		});
	});
});

describe('cancellation', () => {
	it('no attempt starts once the execution is cancelled', async () => {
		let cancelled = false;
		const world = fakeWorld([{ status: 500 }]);
		const result = await deliver(spec(), {
			...world.deps,
			sleep: async (ms: number) => {
				cancelled = true;
				await world.deps.sleep(ms);
			},
			cancelled: () => cancelled,
		});
		expect(result.outcome).toBe('cancelled');
		expect(result.attempts).toHaveLength(1);
		expect(result.status).toBe(500);
	});
});

describe('receiver delivery control', () => {
	it('webhook-delivery: abort-message ends the delivery as final, whatever the status', async () => {
		const world = fakeWorld([{ status: 503, headers: { 'Webhook-Delivery': 'Abort-Message' } }, { status: 200 }]);
		const result = await deliver(spec(), world.deps);
		expect(result).toMatchObject({ delivered: false, outcome: 'aborted', status: 503 });
		expect(world.sent).toHaveLength(1);
	});
});
