import { createHmac } from 'node:crypto';

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { createCustomHmacScheme } from '../../../nodes/core/providers/index';
import {
	canonicalSignature,
	equalSignatures,
	hmac,
	keyCache,
	splitEntries,
} from '../../../nodes/core/schemes/primitives';

const SECRET = 'primitives-secret-0123';
const body = Buffer.from('{"id":"evt_1"}');
const digest = createHmac('sha256', SECRET).update(body).digest();

describe('canonicalSignature', () => {
	it('writes hex in lower case and base64 padded in the standard alphabet, as hmac() does', () => {
		const hex = digest.toString('hex');
		const base64 = digest.toString('base64');
		expect(canonicalSignature(hex.toUpperCase(), 'hex', 32)).toBe(hex);
		expect(canonicalSignature(digest.toString('base64url'), 'base64', 32)).toBe(base64);
		expect(canonicalSignature(base64.replace(/=+$/, ''), 'base64', 32)).toBe(base64);
	});

	it('reads base64 whose unused last bits are set as the bytes it decodes to', () => {
		const base64 = digest.toString('base64');
		// 32 bytes leave 2 unused bits in the last character before the padding.
		const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
		const last = alphabet.indexOf(base64[42]);
		const loose = `${base64.slice(0, 42)}${alphabet[last | 1]}=`;
		expect(Buffer.from(loose, 'base64').equals(digest)).toBe(true);
		expect(canonicalSignature(loose, 'base64', 32)).toBe(base64);
	});

	it('refuses text of the wrong length or alphabet', () => {
		expect(canonicalSignature(digest.toString('hex').slice(2), 'hex', 32)).toBeUndefined();
		expect(canonicalSignature(`${digest.toString('hex').slice(2)}zz`, 'hex', 32)).toBeUndefined();
		expect(canonicalSignature(digest.subarray(1).toString('base64'), 'base64', 32)).toBeUndefined();
		expect(canonicalSignature('not a digest!', 'base64', 32)).toBeUndefined();
	});
});

describe('splitEntries', () => {
	it('is split(), or undefined past the bound', () => {
		fc.assert(
			fc.property(
				fc.string({ unit: fc.constantFrom('a', 'b', ',', ' ', '='), maxLength: 40 }),
				fc.constantFrom(',', ' '),
				fc.integer({ min: 1, max: 8 }),
				(text, separator, max) => {
					const entries = text.split(separator);
					expect(splitEntries(text, separator, max)).toEqual(entries.length > max ? undefined : entries);
				},
			),
			{ numRuns: 2_000 },
		);
	});
});

describe('equalSignatures', () => {
	it('is true only for the same text', () => {
		const hex = digest.toString('hex');
		expect(equalSignatures(hex, `${hex}`)).toBe(true);
		expect(equalSignatures(hex, hex.slice(1))).toBe(false);
		fc.assert(
			fc.property(fc.nat({ max: 63 }), fc.constantFrom(...'0123456789abcdef'), (position, char) => {
				const changed = `${hex.slice(0, position)}${char}${hex.slice(position + 1)}`;
				expect(equalSignatures(hex, changed)).toBe(changed === hex);
			}),
		);
	});
});

describe('keyCache and hmac', () => {
	it('give the digest createHmac gives for the secret, for more secrets than the cache keeps', () => {
		let built = 0;
		const keyFor = keyCache((secret) => {
			built++;
			return Buffer.from(secret, 'utf8');
		});
		const secrets = Array.from({ length: 40 }, (_, index) => `${SECRET}-${index}`);
		for (const round of [1, 2]) {
			for (const secret of secrets) {
				const expected = createHmac('sha512', secret).update('a.').update(body).digest('base64');
				expect(hmac('sha512', keyFor(secret), ['a.', body], 'base64'), `round ${round}`).toBe(expected);
			}
		}
		expect(keyFor(SECRET)).toBe(keyFor(SECRET));
		expect(built).toBeGreaterThan(secrets.length);
	});
});

describe('an HMAC scheme compares signatures as canonical text', () => {
	const scheme = createCustomHmacScheme({
		algorithm: 'sha256',
		encoding: 'base64',
		signatureHeader: 'X-Signature',
		prefix: '',
		template: '{body}',
		timestampHeader: '',
		idHeader: '',
		secretEncoding: 'utf8',
	});
	const verify = (signature: string) =>
		scheme.verify({ body, headers: { 'x-signature': signature }, secrets: ['other-secret-0123', SECRET] }).ok;

	it('accepts every spelling of the right digest and no other digest', () => {
		expect(verify(digest.toString('base64'))).toBe(true);
		expect(verify(digest.toString('base64url'))).toBe(true);
		expect(verify(digest.toString('base64').replace(/=+$/, ''))).toBe(true);
		fc.assert(
			fc.property(fc.nat({ max: 31 }), fc.integer({ min: 1, max: 255 }), (position, flip) => {
				const changed = Buffer.from(digest);
				changed[position] ^= flip;
				expect(verify(changed.toString('base64'))).toBe(false);
			}),
		);
	});
});
