import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { readCarriedState, type CarriedState } from '../../nodes/core/carriedState';
import type { IncomingResponse, OutgoingRequest } from '../../nodes/core/delivery';
import {
	freshPair,
	pairFromState,
	runDurablePass,
	stateOf,
	type DurablePair,
	type PassReport,
} from '../../nodes/core/durablePass';
import { IN_PROCESS_LIMIT_MS, type DurableSchedule } from '../../nodes/core/durableSchedule';
import { standardWebhooksScheme } from '../../nodes/core/schemes/index';
import { fakeClock } from '../helpers/fakeClock.mts';

const WHSEC = `whsec_${Buffer.from('durable-pass-key-0123456789abcd').toString('base64')}`;
const signer = ({ body, id, timestamp }: { body: Buffer; id: string; timestamp: number }) =>
	standardWebhooksScheme.sign({ body, id, timestamp, secret: WHSEC });

/** What the receiver does with one attempt. */
type Step = { status: number; headers?: Record<string, string> } | { error: string };

/** A clock that moves only when slept on or when a send takes time; each URL answers from its own script. */
function world(scripts: Record<string, Step[]>, sendMs = 30) {
	const clock = fakeClock();
	const sent: OutgoingRequest[] = [];
	return {
		sent,
		sleeps: clock.sleeps,
		advanceTo: clock.advanceTo,
		deps: {
			now: clock.now,
			random: () => 0.5,
			sleep: clock.sleep,
			send: async (request: OutgoingRequest): Promise<IncomingResponse> => {
				const script = scripts[request.url];
				const step = script[Math.min(sent.filter((one) => one.url === request.url).length, script.length - 1)];
				sent.push(request);
				clock.pass(sendMs);
				if ('error' in step) throw Object.assign(new Error(step.error), { code: step.error });
				return { status: step.status, headers: step.headers ?? {}, body: Buffer.from('reply'), truncated: false };
			},
		},
	};
}

const schedule = (delaysMs: number[], extra: Partial<DurableSchedule> = {}): DurableSchedule => ({
	delaysMs,
	jitter: 0,
	retryAfterCapMs: 3_600_000,
	maxAgeMs: 30 * 86_400_000,
	...extra,
});

function pairFor(url: string, delays: DurableSchedule, nowMs: number): DurablePair {
	return freshPair(
		{
			target: { url, deliveryId: `msg_${url.slice(-4)}`, body: Buffer.from(`{"for":"${url}"}`), headers: { 'Content-Type': 'application/json' }, signer },
			event: 'lead.created',
			scheme: { name: 'standardWebhooks' },
			schedule: delays,
			timeoutMs: 5000,
			items: [{ lead: url }],
		},
		nowMs,
	);
}

/** A pending pair as n8n hands it back: through the item's JSON and the state reader. */
function throughItem(pair: DurablePair, phase: CarriedState['phase'], nowMs: number): DurablePair {
	const read = readCarriedState(JSON.parse(JSON.stringify({ retry: stateOf(pair, phase) })));
	if (read.kind !== 'state') throw new Error(`state not readable: ${JSON.stringify(read)}`);
	return pairFromState(read.state, signer, nowMs);
}

/** The workflow's loop: pass, Wait until item 0's time (all items come back together), pass again. */
async function loop(w: ReturnType<typeof world>, pairs: DurablePair[]) {
	const ends = new Map<string, { outcome: string; attempts: number; passes: number }>();
	const handed: Array<{ gapMs: number }> = [];
	let pending: Array<{ source: string; pair: DurablePair }> = pairs.map((pair) => ({ source: pair.target.url, pair }));
	for (let pass = 1; pending.length > 0; pass++) {
		const report: PassReport<string> = await runDurablePass(pending, 3, w.deps);
		const passEnd = w.deps.now();
		for (const { source, end } of [...report.delivered, ...report.failed]) {
			expect(ends.has(source), `${source} ended twice`).toBe(false);
			ends.set(source, { outcome: end.result.outcome, attempts: end.pair.attempts, passes: pass });
		}
		const times = report.pending.map(({ pair }) => pair.nextAttemptAtMs);
		expect(times).toEqual([...times].sort((a, b) => a - b));
		for (const { source, pair } of report.pending) {
			expect(ends.has(source), `${source} pending after it ended`).toBe(false);
			handed.push({ gapMs: pair.nextAttemptAtMs - passEnd });
		}
		if (report.pending.length === 0) break;
		w.advanceTo(report.pending[0].pair.nextAttemptAtMs);
		pending = report.pending.map(({ source, pair }) => ({ source, pair: throughItem(pair, 'pending', w.deps.now()) }));
		expect(pass).toBeLessThan(200);
	}
	return { ends, handed };
}

describe('runDurablePass', () => {
	it('down for longer than the in-process limit: parked twice, then delivered once with the same id', async () => {
		const url = 'https://crm.example/hook';
		const w = world({ [url]: [{ error: 'ECONNREFUSED' }, { status: 503 }, { status: 200 }] });
		const { ends, handed } = await loop(w, [pairFor(url, schedule([0, 70_000, 130_000]), w.deps.now())]);
		expect(ends.get(url)).toEqual({ outcome: 'delivered', attempts: 3, passes: 3 });
		expect(handed.map(({ gapMs }) => gapMs)).toEqual([70_000, 130_000]);
		expect(w.sleeps).toEqual([]);
		expect(new Set(w.sent.map((request) => request.headers['webhook-id']))).toEqual(new Set(['msg_hook']));
		const stamps = w.sent.map((request) => Number(request.headers['webhook-timestamp']));
		expect(stamps[1] - stamps[0]).toBeGreaterThanOrEqual(70);
		expect(w.sent.every((request) => request.body.equals(w.sent[0].body))).toBe(true);
	});

	it('sleeps waits under the limit in the node and parks longer ones', async () => {
		const url = 'https://crm.example/fast';
		const w = world({ [url]: [{ status: 500 }, { status: 500 }, { status: 202 }] });
		const { ends } = await loop(w, [pairFor(url, schedule([0, 5_000, 60_000]), w.deps.now())]);
		expect(ends.get(url)).toEqual({ outcome: 'delivered', attempts: 3, passes: 1 });
		expect(w.sleeps).toEqual([5_000, 60_000]);
	});

	it('an item back before its time goes straight out again, with no attempt counted', async () => {
		const url = 'https://crm.example/late';
		const w = world({ [url]: [{ status: 503 }, { status: 200 }] });
		const first = await runDurablePass([{ source: url, pair: pairFor(url, schedule([0, 600_000]), w.deps.now()) }], 1, w.deps);
		const [parked] = first.pending;
		w.advanceTo(parked.pair.nextAttemptAtMs - 300_000);
		const early = await runDurablePass([{ source: url, pair: throughItem(parked.pair, 'pending', w.deps.now()) }], 1, w.deps);
		expect(early.pending.map(({ pair }) => [pair.attempts, pair.nextAttemptAtMs])).toEqual([[1, parked.pair.nextAttemptAtMs]]);
		expect(w.sent).toHaveLength(1);
	});

	it('a time closer than the limit at the end of the pass is moved to the limit', async () => {
		const slow = 'https://crm.example/slow';
		const parkedUrl = 'https://crm.example/park';
		const w = world({ [slow]: [{ status: 500 }, { status: 200 }], [parkedUrl]: [{ status: 500 }] });
		const start = w.deps.now();
		const report = await runDurablePass(
			[
				{ source: parkedUrl, pair: pairFor(parkedUrl, schedule([0, 70_000]), start) },
				{ source: slow, pair: pairFor(slow, schedule([0, 60_000]), start) },
			],
			2,
			w.deps,
		);
		expect(report.delivered.map(({ source }) => source)).toEqual([slow]);
		expect(report.pending[0].pair.nextAttemptAtMs).toBe(w.deps.now() + IN_PROCESS_LIMIT_MS);
	});

	it('abort-message, 410, 4xx and redirects are final; maximum age ends a delivery', async () => {
		const urls = ['https://r.example/abrt', 'https://r.example/gone', 'https://r.example/bad4', 'https://r.example/redi', 'https://r.example/aged'];
		const w = world({
			[urls[0]]: [{ status: 503, headers: { 'Webhook-Delivery': 'abort-message' } }],
			[urls[1]]: [{ status: 410 }],
			[urls[2]]: [{ status: 422 }],
			[urls[3]]: [{ status: 302, headers: { location: 'https://elsewhere.example/' } }],
			[urls[4]]: [{ status: 503 }],
		});
		const start = w.deps.now();
		const pairs = urls.map((url) => pairFor(url, schedule([0, 70_000, 130_000, 600_000], { maxAgeMs: 300_000 }), start));
		const { ends } = await loop(w, pairs);
		expect(urls.map((url) => ends.get(url)?.outcome)).toEqual(['aborted', 'gone', 'rejected', 'redirect', 'max_age_exceeded']);
		expect(ends.get(urls[4])).toMatchObject({ attempts: 3 });
	});

	it('a Failed item fed back is replayed with its id and bytes, on a fresh schedule', async () => {
		const url = 'https://crm.example/rply';
		const w = world({ [url]: [{ status: 500 }, { status: 200 }] });
		const first = await runDurablePass([{ source: url, pair: pairFor(url, schedule([0]), w.deps.now()) }], 1, w.deps);
		const [failed] = first.failed;
		expect(failed.end.result.outcome).toBe('retries_exhausted');
		w.advanceTo(w.deps.now() + 86_400_000);
		const replay = throughItem(failed.end.pair, 'failed', w.deps.now());
		expect(replay).toMatchObject({ attempts: 0, firstAttemptAtMs: null, history: [] });
		const second = await runDurablePass([{ source: url, pair: replay }], 1, w.deps);
		expect(second.delivered.map(({ end }) => end.result.deliveryId)).toEqual(['msg_rply']);
		expect(w.sent[1].body.equals(w.sent[0].body)).toBe(true);
		expect(w.sent[1].headers['webhook-id']).toBe(w.sent[0].headers['webhook-id']);
	});
});

const step: fc.Arbitrary<Step> = fc.oneof(
	fc.constantFrom<Step>(
		{ status: 200 },
		{ status: 503 },
		{ status: 500 },
		{ status: 408 },
		{ status: 410 },
		{ status: 400 },
		{ status: 301 },
		{ error: 'ECONNREFUSED' },
		{ error: 'ETIMEDOUT' },
		{ status: 503, headers: { 'webhook-delivery': 'abort-message' } },
	),
	fc.integer({ min: 0, max: 400 }).map((seconds): Step => ({ status: 429, headers: { 'retry-after': String(seconds) } })),
);

describe('runDurablePass over random receivers (property)', () => {
	it('every pair ends exactly once, within the schedule, and never while pending', async () => {
		await fc.assert(
			fc.asyncProperty(
				fc.array(fc.constantFrom(0, 1_000, 30_000, 64_000, 65_000, 70_000, 130_000, 3_600_000), { minLength: 1, maxLength: 6 }),
				fc.array(fc.array(step, { minLength: 1, maxLength: 8 }), { minLength: 1, maxLength: 5 }),
				fc.integer({ min: 60_000, max: 10 * 3_600_000 }),
				async (delaysMs, scripts, maxAgeMs) => {
					const urls = scripts.map((_, index) => `https://r.example/p${String(index).padStart(3, '0')}`);
					const w = world(Object.fromEntries(urls.map((url, index) => [url, scripts[index]])));
					const plan = schedule(delaysMs, { retryAfterCapMs: 200_000, maxAgeMs });
					const { ends, handed } = await loop(w, urls.map((url) => pairFor(url, plan, w.deps.now())));
					expect([...ends.keys()].sort()).toEqual(urls);
					for (const url of urls) {
						const attempts = w.sent.filter((request) => request.url === url);
						expect(ends.get(url)?.attempts).toBe(attempts.length);
						expect(attempts.length).toBeLessThanOrEqual(delaysMs.length);
						expect(new Set(attempts.map((request) => request.headers['webhook-id'])).size).toBe(1);
					}
					for (const { gapMs } of handed) expect(gapMs).toBeGreaterThanOrEqual(IN_PROCESS_LIMIT_MS);
				},
			),
			{ numRuns: 300 },
		);
	});
});
