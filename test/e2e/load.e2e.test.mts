/**
 * Load with duplicates on a real n8n (issue 7): LOAD_DELIVERIES signed deliveries at
 * concurrency 50, LOAD_DUPLICATE_SHARE of them (default 20%) retries of another delivery
 * (same webhook-id and body, signed afresh); LOAD_SIMULTANEOUS_SHARE of those duplicates (default 30%) leave at the same moment
 * as their original. Afterwards executions == unique deliveries: nothing lost, nothing doubled.
 * Then LOAD_FORGED forged requests are dispatched at once; they create no execution, and a
 * valid delivery sent in the middle of the flood gets through.
 *
 * Sizes: the issue's 5,000 deliveries and 10,000 forged requests by default; LOAD_DELIVERIES and
 * LOAD_FORGED shrink them for a quick local run. Measured on 2 cores, n8n 2.41.1 on SQLite
 * (2026-11-22): the full size held and took 21.5 min (sending 486 s at ~10 answers/s and
 * ~8 executions/s; the flood 762 s at ~13 rejections/s). n8n, not the trigger, is the limit: the
 * same run on the same machine while it was shared with four other n8n instances and benchmarks
 * (load average ~20) answered ~3 deliveries/s, and after ~550 executions n8n began failing
 * executions with "Timeout waiting for lock SqliteWriteConnectionMutex" and took ~14 s per
 * request. So the file allows 45 min per test; on a busy runner, lower the sizes.
 * The sender behaves like a platform: it signs every attempt afresh and retries a delivery
 * answered 5xx/429 or not answered (bounded), so what must hold is executions == unique deliveries.
 *
 * All traffic goes to 127.0.0.1, with bounded loops and deadlines. The figures (durations,
 * rates) are printed for the README.
 */
import { randomUUID } from 'node:crypto';

import { Pool } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { standardWebhooksScheme } from '../../nodes/core/schemes/index';
import { PREVIOUS_WHSEC, WHSEC } from '../helpers/signedRequests.mjs';
import { executionCount, postRaw, startTriggerFleet, waitUntil, type RawResponse, type TriggerFleet } from './triggerFleet.mts';

const DELIVERIES = Number(process.env.LOAD_DELIVERIES ?? 5_000);
const DUPLICATE_SHARE = Number(process.env.LOAD_DUPLICATE_SHARE ?? 0.2);
const SIMULTANEOUS_SHARE = Number(process.env.LOAD_SIMULTANEOUS_SHARE ?? 0.3);
const CONCURRENCY = 50;
const FORGED = Number(process.env.LOAD_FORGED ?? 10_000);
/** A platform's retries: attempts per delivery, and the pause before each retry. */
const ATTEMPTS = 5;
const RETRY_PAUSE_MS = [1_000, 2_000, 4_000, 8_000];
/** How long n8n may take to finish the executions once all are answered (measured ~8 executions/s on 2 cores). */
const SETTLE_MS = Number(process.env.LOAD_SETTLE_MS ?? 10 * 60_000);

interface Delivery {
	id: string;
	body: string;
}

function delivery(index: number): Delivery {
	return { id: `msg_load_${index}_${randomUUID()}`, body: JSON.stringify({ type: 'load.tested', timestamp: new Date().toISOString(), data: { index } }) };
}

/** Signed at send time, as a platform does for every attempt: same webhook-id, fresh timestamp. */
function signedHeaders(d: Delivery, secret = WHSEC): Array<[string, string]> {
	const signature: Record<string, string> = standardWebhooksScheme.sign({ body: d.body, secret, id: d.id });
	return [['content-type', 'application/json'], ...Object.entries(signature)];
}

/** Sends like a platform: retries a 5xx/429 or a request that got no answer, a bounded number of times. */
async function deliver(url: string, d: Delivery, pool: Pool, history: string[]): Promise<RawResponse | undefined> {
	for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
		if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, RETRY_PAUSE_MS[attempt - 1]));
		try {
			const answer = await postRaw(url, signedHeaders(d), d.body, pool);
			if (answer.status < 500 && answer.status !== 429) return answer;
			history.push(`${answer.status} ${answer.text.slice(0, 80)}`);
		} catch (error) {
			history.push(`no answer: ${(error as Error).message.slice(0, 80)}`);
		}
	}
	return undefined;
}

/** Deterministic shuffle (LCG), so that a failure can be replayed. */
function shuffle<T>(items: T[], seed = 7): T[] {
	let state = seed;
	const next = () => (state = (state * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
	for (let i = items.length - 1; i > 0; i--) {
		const j = Math.floor(next() * (i + 1));
		[items[i], items[j]] = [items[j], items[i]];
	}
	return items;
}

describe(`load: ${DELIVERIES} deliveries with duplicates, then ${FORGED} forged at once`, () => {
	let fleet: TriggerFleet;
	const figures: Record<string, number | string> = {};

	beforeAll(async () => {
		fleet = await startTriggerFleet('load', [
			{
				key: 'load',
				provider: 'standardWebhooks',
				credential: { signingSecret: WHSEC, previousSigningSecret: PREVIOUS_WHSEC, authType: 'none' },
				options: { dedupeMaxKeys: Math.max(10_000, DELIVERIES) },
			},
		], {
			// n8n pings its database every 2 s and, when a ping takes over 5 s, answers every request
			// 503 "Database is not ready!" until one succeeds. Thousands of queued webhook lookups on
			// SQLite's 3-connection pool on 2 cores delay the ping that long (seen: 744 of 1,000 forged
			// requests got that 503). That is n8n shedding load, not the trigger; allow the ping longer
			// so the trigger's own answers are what is measured.
			DB_PING_TIMEOUT_MS: process.env.LOAD_DB_PING_TIMEOUT_MS ?? '60000',
		});
	});

	afterAll(async () => {
		console.log(`load figures: ${JSON.stringify(figures, null, 2)}`);
		await fleet?.stop();
	});

	it('every unique delivery runs exactly once, duplicates (even simultaneous ones) never run twice', async () => {
		const duplicates = Math.round(DELIVERIES * DUPLICATE_SHARE);
		const unique = DELIVERIES - duplicates;
		const originals = Array.from({ length: unique }, (_, i) => delivery(i));
		const simultaneous = Math.round(duplicates * SIMULTANEOUS_SHARE);
		// A "slot" is what one worker sends at once: one delivery, or an original and its copy together.
		const slots: Delivery[][] = originals.map((d) => [d]);
		for (let i = 0; i < simultaneous; i++) slots[i].push(originals[i]);
		for (let i = simultaneous; i < duplicates; i++) slots.push([originals[(i * 7919) % unique]]);
		shuffle(slots);
		expect(slots.reduce((n, s) => n + s.length, 0)).toBe(DELIVERIES);

		const pool = new Pool(new URL(fleet.url('load')).origin, { connections: CONCURRENCY, pipelining: 1, headersTimeout: 120_000, bodyTimeout: 120_000 });
		const statuses = new Map<string, number>();
		const count = (key: string) => statuses.set(key, (statuses.get(key) ?? 0) + 1);
		const retried: string[] = [];
		const url = fleet.url('load');
		let next = 0;
		let done = 0;
		const started = Date.now();
		try {
			await Promise.all(
				Array.from({ length: CONCURRENCY }, async () => {
					while (next < slots.length) {
						const slot = slots[next++];
						const answers = await Promise.all(slot.map((d) => deliver(url, d, pool, retried)));
						for (const answer of answers) {
							const duplicate = answer?.status === 200 && answer.text.includes('"duplicate"');
							count(answer === undefined ? 'gave up' : answer.status !== 200 ? `http ${answer.status} ${answer.text.slice(0, 120)}` : duplicate ? 'duplicate' : 'accepted');
							if (++done % Math.max(1, Math.floor(DELIVERIES / 10)) === 0) {
								console.log(`load: ${done}/${DELIVERIES} answered after ${Math.round((Date.now() - started) / 1000)} s, ${retried.length} retries`);
							}
						}
					}
				}),
			);
		} finally {
			await pool.close();
		}
		figures.retries = retried.length;
		figures.retryReasons = JSON.stringify([...new Set(retried)].slice(0, 5));
		const sentMs = Date.now() - started;
		figures.deliveries = DELIVERIES;
		figures.uniqueDeliveries = unique;
		figures.duplicates = duplicates;
		figures.simultaneousDuplicates = simultaneous;
		figures.sendSeconds = sentMs / 1000;
		figures.answersPerSecond = Math.round((DELIVERIES / sentMs) * 1000);
		figures.answers = JSON.stringify(Object.fromEntries(statuses));
		// Every delivery ends in a 2xx. A retried original may be acknowledged as a duplicate of its own
		// first attempt, so accepted + duplicate is what must add up; the executions decide below.
		expect([...statuses.keys()].filter((k) => k !== 'accepted' && k !== 'duplicate'), figures.answers as string).toEqual([]);
		expect((statuses.get('duplicate') ?? 0) + (statuses.get('accepted') ?? 0)).toBe(DELIVERIES);
		expect(statuses.get('duplicate') ?? 0).toBeGreaterThanOrEqual(duplicates);

		const settled = await waitUntil(
			async () => (await fleet.executionCount('load')) >= unique && (await fleet.unfinishedCount('load')) === 0,
			SETTLE_MS,
			2_000,
		);
		const doneMs = Date.now() - started;
		figures.executionsSettledSeconds = doneMs / 1000;
		figures.executionsPerSecond = Math.round((unique / doneMs) * 1000 * 10) / 10;
		expect(settled, `executions: ${await fleet.executionCount('load')}/${unique}`).toBe(true);
		// Give a late duplicate a chance to show up before counting.
		await new Promise((resolve) => setTimeout(resolve, 3_000));
		const executions = await fleet.executionCount('load');
		figures.executions = executions;
		expect(executions).toBe(unique);
		// The harness's listing pages past n8n's 100 per page and sees each execution once.
		const listed = await fleet.n8n.listExecutions(fleet.workflowId('load'));
		expect(new Set(listed.map((e) => e.id)).size).toBe(unique);
		const failed = await executionCount(fleet.n8n, fleet.workflowId('load'), ['error', 'crashed', 'canceled']);
		figures.failedExecutions = failed;
		expect(failed, 'executions n8n could not finish (e.g. SQLite lock timeouts)').toBe(0);
	}, 45 * 60_000);

	it('a flood of forged requests creates no execution, and a valid delivery in the middle of it gets through', async () => {
		// Start from a settled count, whatever the previous test left running.
		let before = -1;
		await waitUntil(async () => {
			const [now, unfinished] = [await fleet.executionCount('load'), await fleet.unfinishedCount('load')];
			const stable = now === before && unfinished === 0;
			before = now;
			return stable;
		}, SETTLE_MS, 3_000);
		const url = fleet.url('load');
		const flood = new Pool(new URL(url).origin, { connections: 256, pipelining: 1, headersTimeout: 300_000, bodyTimeout: 300_000 });
		const forged = Array.from({ length: FORGED }, (_, i) => {
			const real = delivery(1_000_000 + i);
			// Well-formed and fresh, but signed with a key the receiver does not hold; every 5th unsigned.
			const headers = i % 5 === 0 ? signedHeaders(real).filter(([n]) => n !== 'webhook-signature') : signedHeaders(real, `whsec_${Buffer.from(`flood-key-${i % 97}-0123456789`).toString('base64')}`);
			return { headers, body: real.body };
		});
		const statuses = new Map<number, number>();
		const samples = new Map<number, string>();
		const started = Date.now();
		let validAnswer: { status: number; text: string } | undefined;
		try {
			const all = forged.map((f) =>
				postRaw(url, f.headers, f.body, flood).then(
					(a) => {
						if (!samples.has(a.status)) samples.set(a.status, a.text.slice(0, 200));
						return a.status;
					},
					(e: Error) => `error ${e.message}`,
				),
			);
			// In the middle of the flood: a real delivery on its own connection.
			await new Promise((resolve) => setTimeout(resolve, 200));
			const valid = delivery(2_000_000);
			const validPool = new Pool(new URL(url).origin, { connections: 1, headersTimeout: 300_000 });
			const validHistory: string[] = [];
			const answer = await deliver(url, valid, validPool, validHistory);
			await validPool.close();
			figures.validDuringFloodRetries = JSON.stringify(validHistory);
			validAnswer = answer ?? { status: 0, text: 'no 2xx after retries' };
			figures.validDuringFloodAnsweredAfterMs = Date.now() - started;
			for (const status of await Promise.all(all)) {
				const key = typeof status === 'number' ? status : -1;
				statuses.set(key, (statuses.get(key) ?? 0) + 1);
			}
		} finally {
			await flood.close();
		}
		const floodMs = Date.now() - started;
		figures.forged = FORGED;
		figures.floodSeconds = floodMs / 1000;
		figures.forgedPerSecond = Math.round((FORGED / floodMs) * 1000);
		figures.forgedAnswers = JSON.stringify(Object.fromEntries(statuses));
		figures.forgedAnswerSamples = JSON.stringify(Object.fromEntries(samples));
		expect(validAnswer?.status, validAnswer?.text).toBe(200);
		expect(Object.fromEntries(statuses)).toEqual({ 401: FORGED });

		const settled = await waitUntil(async () => (await fleet.executionCount('load')) >= before + 1 && (await fleet.unfinishedCount('load')) === 0, 120_000, 1_000);
		expect(settled).toBe(true);
		await new Promise((resolve) => setTimeout(resolve, 3_000));
		expect(await fleet.executionCount('load')).toBe(before + 1);
	}, 45 * 60_000);
});
