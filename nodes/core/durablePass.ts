/**
 * One pass of durable delivery over the (item, URL) pairs that came in:
 * sends what is due, sleeps in-process only for short waits, and hands the
 * rest back to be parked by a Wait node. Pure: HTTP, sleep, clock and
 * random source are passed in.
 */
import {
	attemptOnce,
	deliveryResult,
	type AttemptRecord,
	type AttemptResult,
	type AttemptTarget,
	type DeliveryDependencies,
	type DeliveryOutcome,
	type DeliveryResult,
} from './delivery';
import { CARRIED_HISTORY, CARRIED_STATE_VERSION, type CarriedState, type SchemeRef } from './carriedState';
import { IN_PROCESS_LIMIT_MS, nextAttempt, type DurableSchedule } from './durableSchedule';
import { mapWithConcurrency } from './pool';

/** One (item, URL) pair, between passes or fresh. */
export interface DurablePair {
	target: AttemptTarget;
	event: string;
	scheme: SchemeRef | null;
	schedule: DurableSchedule;
	/** Per-attempt timeout in ms. */
	timeoutMs: number;
	/** The data of the items the body was built from. */
	items: unknown[];
	/** Attempts made so far, over all passes. */
	attempts: number;
	firstAttemptAtMs: number | null;
	nextAttemptAtMs: number;
	/** The latest attempts, at most CARRIED_HISTORY once carried. */
	history: AttemptRecord[];
}

export type PairEnd =
	| { kind: 'final'; pair: DurablePair; result: DeliveryResult }
	| { kind: 'pending'; pair: DurablePair };

/** A fresh pair, due now. */
export function freshPair(
	fields: Pick<DurablePair, 'target' | 'event' | 'scheme' | 'schedule' | 'timeoutMs' | 'items'>,
	nowMs: number,
): DurablePair {
	return { ...fields, attempts: 0, firstAttemptAtMs: null, nextAttemptAtMs: nowMs, history: [] };
}

/**
 * The pair a carried state describes, signed by `signer`. A state from the
 * Failed output starts the schedule over from now, with the same id and bytes.
 */
export function pairFromState(state: CarriedState, signer: AttemptTarget['signer'], nowMs: number): DurablePair {
	const replay = state.phase === 'failed';
	return {
		target: {
			url: state.url,
			deliveryId: state.deliveryId,
			body: Buffer.from(state.body, 'base64'),
			headers: state.headers,
			signer,
		},
		event: state.event,
		scheme: state.scheme,
		schedule: state.schedule,
		timeoutMs: state.timeoutMs,
		items: state.items,
		attempts: replay ? 0 : state.attempts,
		firstAttemptAtMs: replay || state.firstAttemptAt === null ? null : Date.parse(state.firstAttemptAt),
		nextAttemptAtMs: replay ? nowMs : Date.parse(state.nextAttemptAt),
		history: replay ? [] : state.history,
	};
}

/** The state a pair carries out of the node, on Retry Later or on Failed. */
export function stateOf(pair: DurablePair, phase: CarriedState['phase']): CarriedState {
	return {
		version: CARRIED_STATE_VERSION,
		phase,
		deliveryId: pair.target.deliveryId,
		url: pair.target.url,
		event: pair.event,
		attempts: pair.attempts,
		firstAttemptAt: pair.firstAttemptAtMs === null ? null : new Date(pair.firstAttemptAtMs).toISOString(),
		nextAttemptAt: new Date(pair.nextAttemptAtMs).toISOString(),
		history: pair.history.slice(-CARRIED_HISTORY),
		body: pair.target.body.toString('base64'),
		headers: pair.target.headers,
		scheme: pair.scheme,
		schedule: pair.schedule,
		timeoutMs: pair.timeoutMs,
		items: pair.items,
	};
}

/**
 * Sends the pair's due attempts until it ends, or until its next attempt is
 * at least IN_PROCESS_LIMIT_MS away. A pair that came back early is sent
 * straight back out, with no attempt counted.
 */
async function advancePair(pair: DurablePair, deps: DeliveryDependencies): Promise<PairEnd> {
	const history = [...pair.history];
	let last: AttemptResult | undefined;
	const final = (outcome: DeliveryOutcome): PairEnd => {
		const ended = { ...pair, history };
		return { kind: 'final', pair: ended, result: deliveryResult({ ...pair.target, event: pair.event }, outcome, history, last ?? {}) };
	};
	for (;;) {
		if (deps.cancelled?.()) return final('cancelled');
		const waitMs = pair.nextAttemptAtMs - deps.now();
		if (waitMs >= IN_PROCESS_LIMIT_MS) return { kind: 'pending', pair: { ...pair, history } };
		if (waitMs > 0) await deps.sleep(waitMs);

		const startedAt = deps.now();
		const attempt = pair.attempts + 1;
		last = await attemptOnce(pair.target, attempt, pair.timeoutMs, deps);
		history.push(last.record);
		pair = { ...pair, attempts: attempt, firstAttemptAtMs: pair.firstAttemptAtMs ?? startedAt };
		if (last.final !== undefined) return final(last.final);

		const now = deps.now();
		const next = nextAttempt({
			schedule: pair.schedule,
			attempt,
			outcome: last.outcome,
			firstAttemptAtMs: pair.firstAttemptAtMs ?? startedAt,
			nowMs: now,
			random: deps.random,
		});
		if (!next.retry) return final(next.reason);
		last.record.waitMs = next.atMs - now;
		pair = { ...pair, nextAttemptAtMs: next.atMs };
	}
}

export interface PassReport<T> {
	/** In the order the pairs came in. */
	delivered: Array<{ source: T; end: Extract<PairEnd, { kind: 'final' }> }>;
	failed: Array<{ source: T; end: Extract<PairEnd, { kind: 'final' }> }>;
	/** Earliest next attempt first: the Wait node reads only the first item's time. */
	pending: Array<{ source: T; pair: DurablePair }>;
}

/**
 * Advances every pair, at most `concurrency` at once. Pending pairs leave
 * with a next attempt at least IN_PROCESS_LIMIT_MS after the pass ends, so
 * that the Wait node parks them durably.
 */
export async function runDurablePass<T>(
	pairs: ReadonlyArray<{ source: T; pair: DurablePair }>,
	concurrency: number,
	deps: DeliveryDependencies,
): Promise<PassReport<T>> {
	const ends = await mapWithConcurrency(pairs, concurrency, async ({ pair }) => await advancePair(pair, deps));
	const report: PassReport<T> = { delivered: [], failed: [], pending: [] };
	const earliestPark = deps.now() + IN_PROCESS_LIMIT_MS;
	ends.forEach((end, index) => {
		const { source } = pairs[index];
		if (end.kind === 'pending') {
			report.pending.push({ source, pair: { ...end.pair, nextAttemptAtMs: Math.max(end.pair.nextAttemptAtMs, earliestPark) } });
		} else (end.result.delivered ? report.delivered : report.failed).push({ source, end });
	});
	report.pending.sort((a, b) => a.pair.nextAttemptAtMs - b.pair.nextAttemptAtMs);
	return report;
}
