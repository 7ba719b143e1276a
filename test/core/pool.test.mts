import { describe, expect, it } from 'vitest';

import { mapWithConcurrency } from '../../nodes/core/pool';

describe('mapWithConcurrency', () => {
	it('keeps input order and never exceeds the limit', async () => {
		let inFlight = 0;
		let peak = 0;
		const inputs = Array.from({ length: 40 }, (_, index) => index);
		const results = await mapWithConcurrency(inputs, 7, async (value) => {
			inFlight++;
			peak = Math.max(peak, inFlight);
			await new Promise((resolve) => setTimeout(resolve, (40 - value) % 9));
			inFlight--;
			return value * 2;
		});
		expect(results).toEqual(inputs.map((value) => value * 2));
		expect(peak).toBe(7);
	});

	it('handles an empty list and a limit larger than the list', async () => {
		expect(await mapWithConcurrency([], 10, async () => 1)).toEqual([]);
		expect(await mapWithConcurrency([1, 2], 100, async (value) => value)).toEqual([1, 2]);
	});
});
