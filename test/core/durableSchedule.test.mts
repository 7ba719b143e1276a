import { describe, expect, it } from 'vitest';

import {
	DEFAULT_DURABLE_SCHEDULE,
	formatSchedule,
	nextAttempt,
	parseDuration,
	parseSchedule,
	scheduledDelay,
	type DurableSchedule,
} from '../../nodes/core/durableSchedule';

const NOW = Date.parse('2026-11-22T10:00:00Z');
const noJitter: DurableSchedule = { ...DEFAULT_DURABLE_SCHEDULE, jitter: 0 };
const failure = { kind: 'response', status: 503 } as const;

describe('the schedule', () => {
	it('defaults to immediately, 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h', () => {
		expect(formatSchedule(DEFAULT_DURABLE_SCHEDULE.delaysMs)).toBe('0, 5s, 5m, 30m, 2h, 5h, 10h, 10h');
		expect(parseSchedule('0, 5s, 5m, 30m, 2h, 5h, 10h, 10h')).toEqual({ delaysMs: DEFAULT_DURABLE_SCHEDULE.delaysMs });
	});

	it('reads durations in every unit and rejects what is not one', () => {
		expect(['250', '250ms', '1.5s', '2m', '3h', '1d'].map(parseDuration)).toEqual([250, 250, 1500, 120_000, 10_800_000, 86_400_000]);
		expect(parseDuration('soon')).toBeUndefined();
		expect(parseSchedule('0 70s\n130s')).toEqual({ delaysMs: [0, 70_000, 130_000] });
		expect(parseSchedule('0, 5x')).toMatchObject({ problem: expect.stringContaining('"5x"') });
		expect(parseSchedule('0, 8d')).toMatchObject({ problem: expect.stringContaining('"8d"') });
		expect(parseSchedule('')).toMatchObject({ problem: expect.stringContaining('from 1 to 50') });
	});

	it('jitter moves a delay by at most the fraction either way', () => {
		const schedule = { ...DEFAULT_DURABLE_SCHEDULE, jitter: 0.1 };
		expect(scheduledDelay(schedule, 3, () => 0)).toBe(270_000);
		expect(scheduledDelay(schedule, 3, () => 0.5)).toBe(300_000);
		expect(scheduledDelay(schedule, 3, () => 0.999_999)).toBe(330_000);
		expect(scheduledDelay(schedule, 1, () => 0)).toBe(0);
	});
});

describe('nextAttempt', () => {
	it('follows the schedule and stops after its last attempt', () => {
		const at = (attempt: number) =>
			nextAttempt({ schedule: noJitter, attempt, outcome: failure, firstAttemptAtMs: NOW, nowMs: NOW, random: () => 0.5 });
		expect(at(1)).toEqual({ retry: true, atMs: NOW + 5_000 });
		expect(at(2)).toEqual({ retry: true, atMs: NOW + 300_000 });
		expect(at(7)).toEqual({ retry: true, atMs: NOW + 36_000_000 });
		expect(at(8)).toEqual({ retry: false, reason: 'retries_exhausted' });
	});

	it('honours Retry-After up to its cap, instead of the scheduled delay', () => {
		const after = (retryAfter: string) =>
			nextAttempt({
				schedule: { ...noJitter, retryAfterCapMs: 600_000 },
				attempt: 1,
				outcome: { kind: 'response', status: 429, retryAfter },
				firstAttemptAtMs: NOW,
				nowMs: NOW,
				random: () => 0.5,
			});
		expect(after('120')).toEqual({ retry: true, atMs: NOW + 120_000 });
		expect(after('86400')).toEqual({ retry: true, atMs: NOW + 600_000 });
		expect(after('not a delay')).toEqual({ retry: true, atMs: NOW + 5_000 });
	});

	it('is final once the next attempt would start past the maximum age', () => {
		const schedule = { ...noJitter, maxAgeMs: 3_600_000 };
		const input = { schedule, outcome: failure, firstAttemptAtMs: NOW, random: () => 0.5 };
		expect(nextAttempt({ ...input, attempt: 3, nowMs: NOW + 1_000_000 })).toEqual({ retry: true, atMs: NOW + 2_800_000 });
		expect(nextAttempt({ ...input, attempt: 4, nowMs: NOW + 2_800_000 })).toEqual({ retry: false, reason: 'max_age_exceeded' });
	});
});
