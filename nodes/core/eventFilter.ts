/** Matches event names against subscriptions: exact names, `lead.*`-style globs and `*`. */
export interface EventFilter {
	matches(event: string): boolean;
}

const MAX_PATTERN_LENGTH = 200;

function globToRegExp(pattern: string): RegExp {
	const escaped = pattern
		.split('*')
		.map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
		.join('.*');
	return new RegExp(`^${escaped}$`);
}

/** Splits a comma- or newline-separated list of custom names, trimming and dropping blanks. */
export function splitEventList(text: string | undefined): string[] {
	if (!text) return [];
	return text
		.split(/[,\n]/)
		.map((name) => name.trim())
		.filter((name) => name !== '');
}

/**
 * Builds a filter from the subscribed names. No subscriptions, or `*` among
 * them, means every event.
 */
export function createEventFilter(subscriptions: readonly string[]): EventFilter {
	const names = subscriptions
		.map((name) => (typeof name === 'string' ? name.trim() : ''))
		.filter((name) => name !== '' && name.length <= MAX_PATTERN_LENGTH);
	if (names.length === 0 || names.includes('*')) {
		return { matches: () => true };
	}
	const exact = new Set<string>();
	const patterns: RegExp[] = [];
	for (const name of names) {
		if (name.includes('*')) patterns.push(globToRegExp(name));
		else exact.add(name);
	}
	return {
		matches(event: string): boolean {
			if (exact.has(event)) return true;
			for (const pattern of patterns) if (pattern.test(event)) return true;
			return false;
		},
	};
}
