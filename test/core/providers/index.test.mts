import { describe, expect, it } from 'vitest';

import { resolvePreset } from '../../../nodes/core/providers/index';

describe('resolvePreset', () => {
	it('Custom HMAC presets are built from settings and cached', () => {
		const settings = { algorithm: 'sha1' as const, signatureHeader: 'X-Sig', encoding: 'hex' as const };
		expect(resolvePreset('customHmac', settings)).toBe(resolvePreset('customHmac', { ...settings }));
		expect(() => resolvePreset('customHmac', { ...settings, template: '{timestamp}.{body}' })).toThrow();
	});
});
