import { describe, expect, it } from 'vitest';

import { gitHubScheme, pbxScheme } from '../../../nodes/core/providers/index';
import { lower, NOW, SECRET } from '../../helpers/schemeVectors.mts';

describe('hostile timestamps and headers', () => {
	const body = Buffer.from('{}');
	it('rejects negative, NaN, fractional and huge timestamps as malformed', () => {
		for (const timestamp of ['-1', 'NaN', '1.5', '99999999999999999999', '', ' ', '0x10']) {
			const headers = lower(pbxScheme.sign({ body, secret: SECRET, timestamp: NOW }));
			headers['x-webhook-timestamp'] = timestamp;
			const result = pbxScheme.verify({ body, headers, secrets: [SECRET], nowSeconds: NOW });
			expect(result.ok).toBe(false);
			if (!result.ok) expect(['malformed_timestamp', 'missing_timestamp']).toContain(result.reason);
		}
	});

	it('treats duplicated headers as one joined value, which does not verify', () => {
		const headers = lower(gitHubScheme.sign({ body, secret: SECRET }));
		const value = headers['x-hub-signature-256'] as string;
		const result = gitHubScheme.verify({ body, headers: { 'x-hub-signature-256': [value, value] }, secrets: [SECRET] });
		expect(result).toMatchObject({ ok: false, reason: 'malformed_signature' });
	});

	it('gives precise messages that never contain the expected signature', () => {
		const headers = lower(gitHubScheme.sign({ body, secret: SECRET }));
		const expected = headers['x-hub-signature-256'] as string;
		const result = gitHubScheme.verify({ body: Buffer.from('{"x":1}'), headers, secrets: [SECRET] });
		expect(result).toEqual({ ok: false, reason: 'mismatch', message: 'The signature does not match the body' });
		expect(JSON.stringify(result)).not.toContain(expected.slice(7));
		expect(JSON.stringify(result)).not.toContain(SECRET);
	});
});
