import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { createCustomHmacScheme, namedSchemes } from '../../../nodes/core/providers/index';
import type { RequestHeaders, SignatureScheme } from '../../../nodes/core/schemes/types';

const RUNS = 10_000;
const SECRET = 'property-secret-0123';
const WHSEC = `whsec_${Buffer.from('property-key-0123456789').toString('base64')}`;
const NOW = 1_763_800_000;

const schemes: SignatureScheme[] = [
	...Object.values(namedSchemes),
	createCustomHmacScheme({
		algorithm: 'sha512',
		encoding: 'base64',
		signatureHeader: 'X-Custom-Signature',
		prefix: 'v1=',
		timestampHeader: 'X-Custom-Timestamp',
		idHeader: 'X-Custom-Id',
		template: '{id}.{timestamp}.{body}',
	}),
];
const secretFor = (scheme: SignatureScheme) => (scheme.name === 'standardWebhooks' ? WHSEC : SECRET);

/** Header values an attacker would try: garbage, near-misses, huge and odd numbers. */
const hostileValue = fc.oneof(
	fc.string({ maxLength: 300 }),
	fc.string({ unit: fc.constantFrom(...'0123456789abcdefABCDEF'), maxLength: 140 }),
	fc.base64String({ maxLength: 120 }),
	fc.constantFrom('v1,', 'sha256=', 't=,v1=', 'NaN', '-1', '1e400', '99999999999999999999', '', ' ', '\u0000', 'v1,====', '__proto__'),
	fc.bigInt({ min: -(10n ** 20n), max: 10n ** 20n }).map(String),
	fc.array(fc.string({ maxLength: 40 }), { maxLength: 4 }).map((parts) => parts.join(',')),
);
const headerValue = fc.oneof(hostileValue, fc.array(hostileValue, { minLength: 1, maxLength: 3 }));
const body = fc.oneof(
	fc.uint8Array({ maxLength: 2048 }).map((bytes) => Buffer.from(bytes)),
	fc.json().map((text) => Buffer.from(text)),
	fc.string().map((text) => Buffer.from(text)),
);

describe.each(schemes.map((scheme) => [scheme.name, scheme] as const))('%s verify under hostile input', (_name, scheme) => {
	const headerNames = fc.constantFrom(...scheme.headerNames, 'webhook-id', 'svix-signature', 'stripe-signature', 'x-random');

	it('never throws and never accepts forged headers', () => {
		fc.assert(
			fc.property(body, fc.dictionary(headerNames, headerValue, { maxKeys: 6 }), fc.integer({ min: 0, max: 10_000 }), (payload, headers, tolerance) => {
				const result = scheme.verify({ body: payload, headers: headers as RequestHeaders, secrets: [secretFor(scheme)], toleranceSeconds: tolerance, nowSeconds: NOW });
				expect(result.ok).toBe(false);
				if (!result.ok) expect(result.reason).toMatch(/^[a-z_]+$/);
			}),
			{ numRuns: RUNS },
		);
	});

	it('accepts exactly what it signed, and nothing once a byte changes', () => {
		fc.assert(
			fc.property(body, fc.nat({ max: 2047 }), fc.integer({ min: 1, max: 255 }), (payload, position, flip) => {
				const headers = Object.fromEntries(
					Object.entries(scheme.sign({ body: payload, secret: secretFor(scheme), id: 'msg_p', timestamp: NOW })).map(([k, v]) => [k.toLowerCase(), v]),
				);
				const request = { body: payload, headers, secrets: [secretFor(scheme)], nowSeconds: NOW };
				expect(scheme.verify(request).ok).toBe(true);
				if (payload.length === 0) return;
				const tampered = Buffer.from(payload);
				tampered[position % payload.length] ^= flip;
				expect(scheme.verify({ ...request, body: tampered }).ok).toBe(false);
			}),
			{ numRuns: 2_000 },
		);
	});
});
