import { describe, expect, it } from 'vitest';

import {
	backoffDelay,
	classifyStatus,
	decideRetry,
	isRetryable,
	parseRetryAfter,
	policyProblems,
	type RetryPolicy,
} from '../../nodes/core/retryPolicy';

const policy: RetryPolicy = { maxAttempts: 5, baseMs: 100, capMs: 1000, deadlineMs: 10_000 };
const NOW = Date.parse('2026-11-22T10:00:00Z');

describe('classifyStatus and isRetryable', () => {
	it.each([
		[200, 'delivered'],
		[204, 'delivered'],
		[301, 'redirect'],
		[302, 'redirect'],
		[308, 'redirect'],
		[400, 'rejected'],
		[401, 'rejected'],
		[404, 'rejected'],
		[410, 'gone'],
		[408, 'retryable'],
		[429, 'retryable'],
		[500, 'retryable'],
		[503, 'retryable'],
		[599, 'retryable'],
	] as const)('%i is %s', (status, expected) => {
		expect(classifyStatus(status)).toBe(expected);
		expect(isRetryable({ kind: 'response', status })).toBe(expected === 'retryable');
	});

	it('every network error class is retried', () => {
		for (const errorClass of ['timeout', 'connection_refused', 'connection_reset', 'dns', 'network'] as const) {
			expect(isRetryable({ kind: 'error', errorClass })).toBe(true);
		}
	});
});

describe('parseRetryAfter', () => {
	it('reads delay-seconds', () => {
		expect(parseRetryAfter('1', NOW)).toBe(1000);
		expect(parseRetryAfter(' 120 ', NOW)).toBe(120_000);
		expect(parseRetryAfter('0', NOW)).toBe(0);
	});

	it('reads an HTTP date relative to the clock, and a past date as 0', () => {
		expect(parseRetryAfter('Sun, 22 Nov 2026 10:00:03 GMT', NOW)).toBe(3000);
		expect(parseRetryAfter('Sun, 22 Nov 2026 09:59:00 GMT', NOW)).toBe(0);
	});

	it('ignores what is neither', () => {
		for (const value of [undefined, '', 'soon', '-5', '1.5', '12abc', '99999999999']) {
			expect(parseRetryAfter(value, NOW)).toBeUndefined();
		}
	});
});

describe('backoffDelay: exponential with full jitter', () => {
	it('is random() times min(cap, base * 2^(n-1))', () => {
		expect(backoffDelay(1, policy, () => 0.5)).toBe(50);
		expect(backoffDelay(2, policy, () => 0.5)).toBe(100);
		expect(backoffDelay(3, policy, () => 0.5)).toBe(200);
		expect(backoffDelay(4, policy, () => 0.999)).toBe(799);
		expect(backoffDelay(5, policy, () => 0.999)).toBe(999);
		expect(backoffDelay(50, policy, () => 0.999)).toBe(999);
		expect(backoffDelay(3, policy, () => 0)).toBe(0);
	});

	it('stays within [0, ceiling) over many draws', () => {
		let seed = 42;
		const random = () => ((seed = (seed * 16807) % 2147483647) - 1) / 2147483646;
		for (let attempt = 1; attempt <= 10; attempt++) {
			const ceiling = Math.min(policy.capMs, policy.baseMs * 2 ** (attempt - 1));
			for (let draw = 0; draw < 200; draw++) {
				const delay = backoffDelay(attempt, policy, random);
				expect(delay).toBeGreaterThanOrEqual(0);
				expect(delay).toBeLessThan(ceiling);
			}
		}
	});
});

describe('decideRetry', () => {
	const base = { policy, nowMs: NOW, deadlineAtMs: NOW + 10_000, random: () => 0.5 };

	it('retries a 500 with backoff', () => {
		expect(decideRetry({ ...base, attempt: 1, outcome: { kind: 'response', status: 500 } })).toEqual({
			retry: true,
			delayMs: 50,
			reason: 'backoff',
		});
	});

	it('honours Retry-After seconds and dates, up to the cap', () => {
		expect(
			decideRetry({ ...base, attempt: 1, outcome: { kind: 'response', status: 429, retryAfter: '1' } }),
		).toEqual({ retry: true, delayMs: 1000, reason: 'retry_after' });
		expect(
			decideRetry({ ...base, attempt: 1, outcome: { kind: 'response', status: 429, retryAfter: '60' } }),
		).toEqual({ retry: true, delayMs: 1000, reason: 'retry_after' });
		expect(
			decideRetry({
				...base,
				attempt: 1,
				outcome: { kind: 'response', status: 503, retryAfter: 'Sun, 22 Nov 2026 10:00:00 GMT' },
			}),
		).toEqual({ retry: true, delayMs: 0, reason: 'retry_after' });
	});

	it('does not retry 4xx, 410 or 3xx', () => {
		for (const status of [400, 404, 410, 301, 302]) {
			expect(decideRetry({ ...base, attempt: 1, outcome: { kind: 'response', status } })).toEqual({
				retry: false,
				reason: 'final',
			});
		}
	});

	it('stops at max attempts', () => {
		expect(decideRetry({ ...base, attempt: 5, outcome: { kind: 'error', errorClass: 'timeout' } })).toEqual({
			retry: false,
			reason: 'max_attempts',
		});
	});

	it('stops when the wait would reach the deadline', () => {
		expect(
			decideRetry({
				...base,
				deadlineAtMs: NOW + 500,
				attempt: 1,
				outcome: { kind: 'response', status: 503, retryAfter: '1' },
			}),
		).toEqual({ retry: false, reason: 'deadline' });
	});
});

describe('policyProblems', () => {
	it('names the field at fault', () => {
		expect(policyProblems(policy)).toEqual([]);
		expect(policyProblems({ ...policy, maxAttempts: 0 })[0].message).toMatch(/Max Attempts/);
		expect(policyProblems({ ...policy, maxAttempts: 0 })[0].field).toBe('maxAttempts');
		expect(policyProblems({ ...policy, capMs: 10 })[0].message).toMatch(/Backoff Cap/);
		expect(policyProblems({ ...policy, capMs: 10 })[0].field).toBe('capMs');
		expect(policyProblems({ ...policy, baseMs: -1 })[0].field).toBe('baseMs');
		expect(policyProblems({ ...policy, deadlineMs: 0 })[0].message).toMatch(/Overall Deadline/);
		expect(policyProblems({ ...policy, deadlineMs: 0 })[0].field).toBe('deadlineMs');
	});
});
