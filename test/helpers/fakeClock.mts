/** A clock for the sender's pure core: it moves only when slept on or told to. */
export function fakeClock(start = Date.parse('2026-11-22T10:00:00Z')) {
	let now = start;
	const sleeps: number[] = [];
	return {
		sleeps,
		now: () => now,
		/** Moves the clock forward by `ms`. */
		pass: (ms: number) => {
			now += ms;
		},
		/** Moves the clock to `ms`, never back. */
		advanceTo: (ms: number) => {
			now = Math.max(now, ms);
		},
		sleep: async (ms: number) => {
			sleeps.push(ms);
			now += ms;
		},
	};
}
