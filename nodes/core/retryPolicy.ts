/**
 * When a webhook delivery is retried and how long to wait: pure, with the
 * clock and the random source passed in so that tests are exact.
 */

export interface RetryPolicy {
	/** Attempts in all, the first included. At least 1. */
	maxAttempts: number;
	/** First backoff ceiling in ms; doubles each attempt. */
	baseMs: number;
	/** Largest wait in ms, for backoff and for Retry-After alike. */
	capMs: number;
	/** Time budget for the whole delivery (all attempts and waits), in ms. */
	deadlineMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
	maxAttempts: 5,
	baseMs: 1000,
	capMs: 30_000,
	deadlineMs: 120_000,
};

export interface Range {
	min: number;
	max: number;
}

/** What each policy field accepts. */
export const RETRY_POLICY_RANGES: Record<keyof RetryPolicy, Range> = {
	maxAttempts: { min: 1, max: 100 },
	baseMs: { min: 0, max: 3_600_000 },
	capMs: { min: 0, max: 3_600_000 },
	deadlineMs: { min: 1, max: 86_400_000 },
};

/** How one attempt ended, as far as the retry decision cares. */
export type AttemptOutcome =
	| { kind: 'response'; status: number; retryAfter?: string }
	| { kind: 'error'; errorClass: NetworkErrorClass };

export type NetworkErrorClass =
	| 'timeout'
	| 'connection_refused'
	| 'connection_reset'
	| 'dns'
	| 'network';

/** What a final status means for the delivery. */
export type StatusClass = 'delivered' | 'redirect' | 'gone' | 'rejected' | 'retryable';

export function classifyStatus(status: number): StatusClass {
	if (status >= 200 && status < 300) return 'delivered';
	if (status >= 300 && status < 400) return 'redirect';
	if (status === 410) return 'gone';
	if (status === 408 || status === 429 || status >= 500) return 'retryable';
	return 'rejected';
}

/** Network errors, timeouts, 408, 429 and 5xx are retried; 3xx and other 4xx are final. */
export function isRetryable(outcome: AttemptOutcome): boolean {
	if (outcome.kind === 'error') return true;
	return classifyStatus(outcome.status) === 'retryable';
}

const DELAY_SECONDS = /^\d{1,10}$/;

/**
 * Milliseconds a Retry-After header asks for: delay-seconds or an HTTP date
 * (relative to `nowMs`). Undefined when absent or unreadable; never negative.
 */
export function parseRetryAfter(value: string | undefined, nowMs: number): number | undefined {
	if (value === undefined) return undefined;
	const text = value.trim();
	if (text === '') return undefined;
	if (DELAY_SECONDS.test(text)) return Number(text) * 1000;
	// An HTTP date always names a day and a year; Date.parse alone accepts too much.
	if (!/[a-z]/i.test(text) || !/\d{4}/.test(text)) return undefined;
	const at = Date.parse(text);
	if (Number.isNaN(at)) return undefined;
	return Math.max(0, at - nowMs);
}

/** Full jitter: uniform in [0, min(cap, base * 2^(attempt-1))). `attempt` counts from 1. */
export function backoffDelay(attempt: number, policy: Pick<RetryPolicy, 'baseMs' | 'capMs'>, random: () => number): number {
	const exponent = Math.min(Math.max(attempt - 1, 0), 30);
	const ceiling = Math.min(policy.capMs, policy.baseMs * 2 ** exponent);
	const sample = Math.min(Math.max(random(), 0), 1);
	return Math.floor(sample * ceiling);
}

export type RetryDecision =
	| { retry: true; delayMs: number; reason: 'backoff' | 'retry_after' }
	| { retry: false; reason: 'final' | 'max_attempts' | 'deadline' };

/**
 * After attempt number `attempt` (from 1) ended with `outcome`: whether to
 * try again and after how long. A Retry-After is honoured up to the cap; a
 * wait that would end past the deadline stops the delivery instead.
 */
export function decideRetry(input: {
	attempt: number;
	outcome: AttemptOutcome;
	policy: RetryPolicy;
	nowMs: number;
	deadlineAtMs: number;
	random: () => number;
}): RetryDecision {
	const { attempt, outcome, policy, nowMs, deadlineAtMs, random } = input;
	if (!isRetryable(outcome)) return { retry: false, reason: 'final' };
	if (attempt >= policy.maxAttempts) return { retry: false, reason: 'max_attempts' };
	const retryAfter =
		outcome.kind === 'response' ? parseRetryAfter(outcome.retryAfter, nowMs) : undefined;
	const delayMs =
		retryAfter !== undefined ? Math.min(retryAfter, policy.capMs) : backoffDelay(attempt, policy, random);
	// The next attempt needs some time of its own, not only the wait.
	if (nowMs + delayMs >= deadlineAtMs) return { retry: false, reason: 'deadline' };
	return { retry: true, delayMs, reason: retryAfter !== undefined ? 'retry_after' : 'backoff' };
}

export interface PolicyProblem {
	field: keyof RetryPolicy;
	message: string;
}

/** Problems with a policy, each with the field at fault, or an empty list. */
export function policyProblems(policy: RetryPolicy): PolicyProblem[] {
	const problems: PolicyProblem[] = [];
	const attempts = RETRY_POLICY_RANGES.maxAttempts;
	if (!Number.isInteger(policy.maxAttempts) || policy.maxAttempts < attempts.min || policy.maxAttempts > attempts.max) {
		problems.push({ field: 'maxAttempts', message: `Max Attempts must be a whole number from ${attempts.min} to ${attempts.max}` });
	}
	if (!(policy.baseMs >= 0)) problems.push({ field: 'baseMs', message: 'Backoff Base (ms) must be 0 or more' });
	if (!(policy.capMs >= policy.baseMs)) problems.push({ field: 'capMs', message: 'Backoff Cap (ms) must be at least the Backoff Base' });
	if (!(policy.deadlineMs > 0)) problems.push({ field: 'deadlineMs', message: 'Overall Deadline (ms) must be more than 0' });
	return problems;
}
