/** Parses a webhook body as JSON without trusting it: bounded nesting, no `__proto__` keys. */

const DEFAULT_MAX_DEPTH = 64;

export type JsonParseResult =
	| { ok: true; value: unknown }
	| { ok: false; reason: 'empty_body' | 'invalid_json' | 'too_deep'; message: string };

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * True when arrays and objects nest deeper than `limit`. Walks containers only
 * and iteratively, after parsing: V8's JSON.parse is iterative, and only
 * verified senders get this far, so the walk guards the workflow (deep copies,
 * execution storage), not the parser.
 */
export function nestingExceeds(value: unknown, limit: number): boolean {
	if (typeof value !== 'object' || value === null) return false;
	const containers: object[] = [value];
	const depths: number[] = [1];
	while (containers.length > 0) {
		const container = containers.pop() as Record<string, unknown>;
		const depth = depths.pop() as number;
		if (depth > limit) return true;
		if (Array.isArray(container)) {
			for (let index = 0; index < container.length; index++) {
				const child = container[index];
				if (typeof child === 'object' && child !== null) {
					containers.push(child);
					depths.push(depth + 1);
				}
			}
		} else {
			for (const key in container) {
				const child = container[key];
				if (typeof child === 'object' && child !== null) {
					containers.push(child);
					depths.push(depth + 1);
				}
			}
		}
	}
	return false;
}

function dropProtoKeys(key: string, value: unknown): unknown {
	return key === '__proto__' ? undefined : value;
}

/**
 * The body as JSON. Invalid UTF-8 is refused rather than replaced, since the
 * signature was over the bytes. A `__proto__` key (even written with escapes)
 * is dropped so that no later copy of the item can change a prototype.
 */
export function parseJsonBody(body: Buffer, maxDepth: number = DEFAULT_MAX_DEPTH): JsonParseResult {
	if (body.length === 0) return { ok: false, reason: 'empty_body', message: 'The body is empty' };
	let text: string;
	try {
		text = strictUtf8.decode(body);
	} catch {
		return { ok: false, reason: 'invalid_json', message: 'The body is not valid UTF-8' };
	}
	let value: unknown;
	try {
		const suspicious = text.includes('__proto__') || text.includes('\\u');
		value = suspicious ? JSON.parse(text, dropProtoKeys) : JSON.parse(text);
	} catch {
		return { ok: false, reason: 'invalid_json', message: 'The body is not valid JSON' };
	}
	if (nestingExceeds(value, maxDepth)) {
		return { ok: false, reason: 'too_deep', message: `The JSON is nested more than ${maxDepth} levels deep` };
	}
	return { ok: true, value };
}
