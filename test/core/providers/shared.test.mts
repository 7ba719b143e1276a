import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { isoString, toIso } from '../../../nodes/core/providers/shared';

describe('isoString', () => {
	it('writes what toISOString() writes, whatever came before', () => {
		const ms = fc.oneof(
			fc.integer({ min: 1_700_000_000_000, max: 1_800_000_000_000 }),
			fc.double({ min: 0, max: 253_402_300_799_999, noNaN: true }),
			fc.integer({ min: -8.64e15, max: 8.64e15 }),
			fc.constantFrom(0, -0, -1, 999, 1000, 253_402_300_799_999, 253_402_300_800_000, -62_198_755_200_000),
		);
		fc.assert(
			fc.property(fc.array(ms, { minLength: 1, maxLength: 5 }), (values) => {
				for (const value of values) expect(isoString(value)).toBe(new Date(value).toISOString());
			}),
			{ numRuns: 5_000 },
		);
	});

	it('keeps the same second apart from its milliseconds', () => {
		const second = Date.UTC(2026, 11, 2, 3, 4, 5);
		for (const millis of [0, 7, 42, 999, 5, 100]) {
			expect(isoString(second + millis)).toBe(new Date(second + millis).toISOString());
		}
	});

	it('throws on an invalid time, as toISOString() does', () => {
		expect(() => isoString(Number.NaN)).toThrow(RangeError);
	});
});

describe('toIso', () => {
	const fallback = Date.UTC(2026, 0, 1);
	it('reads seconds, milliseconds and dates, and falls back on anything else', () => {
		expect(toIso(1_764_640_000, fallback)).toBe(new Date(1_764_640_000_000).toISOString());
		expect(toIso(1_764_640_000_123, fallback)).toBe(new Date(1_764_640_000_123).toISOString());
		expect(toIso('2026-12-02T03:04:05+01:00', fallback)).toBe('2026-12-02T02:04:05.000Z');
		expect(toIso('soon', fallback)).toBe(new Date(fallback).toISOString());
		expect(toIso(9e15, fallback)).toBe(new Date(fallback).toISOString());
	});
});
