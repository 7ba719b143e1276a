/**
 * When a durable delivery tries again: a schedule of delays measured in
 * hours, with jitter, Retry-After and a maximum age. Pure: the random source
 * is passed in.
 */
import { parseRetryAfter, type AttemptOutcome, type Range } from './retryPolicy';

export interface DurableSchedule {
	/** Delay before each attempt, the first included (usually 0); its length is the number of attempts. */
	delaysMs: number[];
	/** Each delay is moved by up to this fraction either way (0 to 1). */
	jitter: number;
	/** Longest wait a Retry-After header can ask for. */
	retryAfterCapMs: number;
	/** No attempt starts later than this after the first one; the delivery is then final. */
	maxAgeMs: number;
}

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** Standard Webhooks-like (as Svix sends): immediately, 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h. */
export const DEFAULT_DURABLE_SCHEDULE: DurableSchedule = {
	delaysMs: [0, 5 * SECOND, 5 * MINUTE, 30 * MINUTE, 2 * HOUR, 5 * HOUR, 10 * HOUR, 10 * HOUR],
	jitter: 0.1,
	retryAfterCapMs: 1 * HOUR,
	maxAgeMs: 3 * DAY,
};

export const DURABLE_RANGES = {
	attempts: { min: 1, max: 50 },
	delayMs: { min: 0, max: 7 * DAY },
	jitterPercent: { min: 0, max: 100 },
	retryAfterCapMs: { min: 0, max: 7 * DAY },
	maxAgeMs: { min: 1, max: 30 * DAY },
} satisfies Record<string, Range>;

/**
 * Waits shorter than this are slept inside the node. n8n holds a Wait under
 * 65 s in memory, where a restart loses it, so every time handed to the
 * Wait node is at least this far away.
 */
export const IN_PROCESS_LIMIT_MS = 65 * SECOND;

const UNITS: Record<string, number> = { ms: 1, s: SECOND, m: MINUTE, h: HOUR, d: DAY };
const DURATION = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?$/i;

/** The schedule's text form, such as "0, 5s, 5m, 30m, 2h": the delay before each attempt. */
export function formatSchedule(delaysMs: readonly number[]): string {
	return delaysMs
		.map((ms) => {
			for (const unit of ['d', 'h', 'm', 's']) if (ms !== 0 && ms % UNITS[unit] === 0) return `${ms / UNITS[unit]}${unit}`;
			return ms === 0 ? '0' : `${ms}ms`;
		})
		.join(', ');
}

/** Milliseconds of one duration such as 500ms, 5s, 5m, 2h or 3d (a bare number is ms); undefined when unreadable. */
export function parseDuration(text: string): number | undefined {
	const match = DURATION.exec(text.trim());
	return match ? Math.round(Number(match[1]) * UNITS[(match[2] ?? 'ms').toLowerCase()]) : undefined;
}

/** Delays from text: durations (ms, s, m, h, d; a bare number is ms) separated by commas or spaces. */
export function parseSchedule(text: string): { delaysMs: number[] } | { problem: string } {
	const parts = text.split(/[\s,]+/).filter((part) => part !== '');
	const { attempts, delayMs } = DURABLE_RANGES;
	if (parts.length < attempts.min || parts.length > attempts.max) {
		return { problem: `must list from ${attempts.min} to ${attempts.max} delays, one per attempt` };
	}
	const delaysMs: number[] = [];
	for (const part of parts) {
		const ms = parseDuration(part);
		if (ms === undefined || ms < delayMs.min || ms > delayMs.max) {
			return { problem: `"${part}" is not a duration from 0 to 7d, such as 0, 500ms, 5s, 5m, 2h or 1d` };
		}
		delaysMs.push(ms);
	}
	return { delaysMs };
}

/** The schedule's delay before attempt `attempt` (from 1), moved by up to ±jitter. */
export function scheduledDelay(schedule: DurableSchedule, attempt: number, random: () => number): number {
	const base = schedule.delaysMs[Math.min(attempt, schedule.delaysMs.length) - 1] ?? 0;
	const swing = (Math.min(Math.max(random(), 0), 1) * 2 - 1) * schedule.jitter;
	return Math.max(0, Math.round(base * (1 + swing)));
}

export type NextAttempt =
	| { retry: true; atMs: number }
	| { retry: false; reason: 'retries_exhausted' | 'max_age_exceeded' };

/**
 * After attempt `attempt` (from 1) ended at `nowMs` with a retryable
 * `outcome`: when the next one starts, or why there is none. Retry-After,
 * when given, replaces the scheduled delay, up to its cap.
 */
export function nextAttempt(input: {
	schedule: DurableSchedule;
	attempt: number;
	outcome: AttemptOutcome;
	firstAttemptAtMs: number;
	nowMs: number;
	random: () => number;
}): NextAttempt {
	const { schedule, attempt, outcome, firstAttemptAtMs, nowMs, random } = input;
	if (attempt >= schedule.delaysMs.length) return { retry: false, reason: 'retries_exhausted' };
	const retryAfter = outcome.kind === 'response' ? parseRetryAfter(outcome.retryAfter, nowMs) : undefined;
	const delayMs =
		retryAfter !== undefined ? Math.min(retryAfter, schedule.retryAfterCapMs) : scheduledDelay(schedule, attempt + 1, random);
	const atMs = nowMs + delayMs;
	if (atMs - firstAttemptAtMs > schedule.maxAgeMs) return { retry: false, reason: 'max_age_exceeded' };
	return { retry: true, atMs };
}
