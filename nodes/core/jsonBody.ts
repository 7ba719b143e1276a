/** Parses a webhook body as JSON without trusting it: bounded nesting, no `__proto__` keys. */

export const DEFAULT_MAX_DEPTH = 64;

export type JsonParseResult =
	| { ok: true; value: unknown }
	| { ok: false; reason: 'empty_body' | 'invalid_json' | 'too_deep'; message: string };

const OPEN_BRACE = 0x7b;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACE = 0x7d;
const CLOSE_BRACKET = 0x5d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/** Nesting depth of JSON text, ignoring brackets inside strings; stops once past `limit`. */
export function jsonDepthExceeds(body: Buffer, limit: number): boolean {
	let depth = 0;
	let inString = false;
	for (let i = 0; i < body.length; i++) {
		const byte = body[i];
		if (inString) {
			if (byte === BACKSLASH) i++;
			else if (byte === QUOTE) inString = false;
			continue;
		}
		if (byte === QUOTE) inString = true;
		else if (byte === OPEN_BRACE || byte === OPEN_BRACKET) {
			depth++;
			if (depth > limit) return true;
		} else if (byte === CLOSE_BRACE || byte === CLOSE_BRACKET) depth--;
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
	if (jsonDepthExceeds(body, maxDepth)) {
		return { ok: false, reason: 'too_deep', message: `The JSON is nested more than ${maxDepth} levels deep` };
	}
	let text: string;
	try {
		text = new TextDecoder('utf-8', { fatal: true }).decode(body);
	} catch {
		return { ok: false, reason: 'invalid_json', message: 'The body is not valid UTF-8' };
	}
	try {
		const suspicious = text.includes('__proto__') || text.includes('\\u');
		const value: unknown = suspicious ? JSON.parse(text, dropProtoKeys) : JSON.parse(text);
		return { ok: true, value };
	} catch {
		return { ok: false, reason: 'invalid_json', message: 'The body is not valid JSON' };
	}
}
