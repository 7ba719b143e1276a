import { describe, expect, it } from 'vitest';

import { nestingExceeds, parseJsonBody } from '../../nodes/core/jsonBody';

describe('JSON parsing of untrusted bodies', () => {
	it('counts the nesting of containers, not brackets inside strings', () => {
		const depth = (text: string, limit: number) => nestingExceeds(JSON.parse(text), limit);
		expect(depth('{"a":"[[[[[[[[[["}', 3)).toBe(false);
		expect(depth('{"a":[[[1]]]}', 3)).toBe(true);
		expect(depth('{"a":[[1]]}', 3)).toBe(false);
		expect(depth('{"a":"\\"[[[["}', 2)).toBe(false);
		expect(depth('[{"a":{"b":[{}]}}]', 4)).toBe(true);
	});

	it('refuses JSON nested past the limit, however long, and invalid UTF-8', () => {
		const deep = '['.repeat(200_000) + ']'.repeat(200_000);
		expect(parseJsonBody(Buffer.from(deep))).toMatchObject({ ok: false, reason: 'too_deep' });
		expect(parseJsonBody(Buffer.from('{"a":[[1]]}'), 2)).toMatchObject({ ok: false, reason: 'too_deep' });
		expect(parseJsonBody(Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xc3, 0x28, 0x22, 0x7d]))).toMatchObject({ ok: false, reason: 'invalid_json' });
	});

	it('drops __proto__ keys, even written with escapes', () => {
		for (const text of ['{"__proto__":{"polluted":1},"a":1}', '{"\\u005f_proto__":{"polluted":1},"a":1}']) {
			const parsed = parseJsonBody(Buffer.from(text));
			expect(parsed.ok).toBe(true);
			const value = (parsed as { value: Record<string, unknown> }).value;
			expect(Object.prototype.hasOwnProperty.call(value, '__proto__')).toBe(false);
			expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
			expect(value.a).toBe(1);
		}
	});
});
