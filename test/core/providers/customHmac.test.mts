import { createHmac } from 'node:crypto';

import { describe, expect, it } from 'vitest';

import {
	createCustomHmacPreset,
	createCustomHmacScheme,
	customHmac,
	defaultCustomHmacSettings,
} from '../../../nodes/core/providers/customHmac';
import { lower, NOW, SECRET } from '../../helpers/schemeVectors.mts';

describe('custom HMAC', () => {
	const body = Buffer.from('{"ok":true}');
	for (const algorithm of ['sha1', 'sha256', 'sha512'] as const) {
		for (const encoding of ['hex', 'base64'] as const) {
			it(`${algorithm}/${encoding} over a template with timestamp and id`, () => {
				const scheme = createCustomHmacScheme({
					algorithm,
					encoding,
					signatureHeader: 'X-Signature',
					prefix: 'v1=',
					timestampHeader: 'X-Timestamp',
					idHeader: 'X-Id',
					template: '{id}:{timestamp}:{body}',
				});
				const headers = scheme.sign({ body, secret: SECRET, id: 'evt_1', timestamp: NOW });
				const expected = createHmac(algorithm, SECRET).update(`evt_1:${NOW}:${body}`).digest(encoding);
				expect(headers['X-Signature']).toBe(`v1=${expected}`);
				expect(scheme.verify({ body, headers: lower(headers), secrets: [SECRET], nowSeconds: NOW })).toEqual({
					ok: true,
					secretIndex: 0,
					timestamp: NOW,
					id: 'evt_1',
				});
			});
		}
	}

	it('rejects templates that cannot be verified', () => {
		expect(() => createCustomHmacScheme({ algorithm: 'sha256', encoding: 'hex', signatureHeader: 'X-S', template: '{timestamp}' })).toThrow(/\{body\}/);
		expect(() => createCustomHmacScheme({ algorithm: 'sha256', encoding: 'hex', signatureHeader: 'X-S', template: '{timestamp}.{body}' })).toThrow(/timestamp header/);
	});

	it('reads blank settings as not set: the raw body, no prefix, a UTF-8 secret', () => {
		const blank = createCustomHmacScheme({ ...defaultCustomHmacSettings, template: '', prefix: '', timestampHeader: ' ', idHeader: '' });
		const headers = blank.sign({ body, secret: SECRET });
		expect(headers).toEqual({ 'X-Signature': createHmac('sha256', SECRET).update(body).digest('hex') });
		expect(blank.signsTimestamp).toBe(false);
		expect(createCustomHmacPreset(defaultCustomHmacSettings).deliveryIdHeaders).toBeUndefined();
		expect(createCustomHmacPreset({ ...defaultCustomHmacSettings, idHeader: ' X-Id ' }).deliveryIdHeaders).toEqual(['x-id']);
	});

	it('the registry preset uses the defaults', () => {
		expect(customHmac).toMatchObject({ name: 'customHmac', displayName: 'Custom HMAC', auth: 'signature', dedupeKeyConfigurable: true });
		expect(customHmac.scheme?.headerNames).toEqual(['x-signature']);
		expect(customHmac.outbound).toBeUndefined();
	});
});
