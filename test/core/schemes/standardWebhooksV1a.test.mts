/**
 * Standard Webhooks v1a (ed25519). The vectors were made with node:crypto
 * alone (sign(null, `${id}.${timestamp}.${body}`, key)); their keys are the
 * RFC 8032 test 1 and 2 keys, whose public halves the RFC publishes. tweetnacl, a separate
 * implementation, cross-checks both directions.
 */
import nacl from 'tweetnacl';
import { describe, expect, it } from 'vitest';

import { standardWebhooksScheme } from '../../../nodes/core/schemes/index';
import { isWellFormedPublicKey, isWellFormedSigningKey } from '../../../nodes/core/schemes/standardWebhooks';
import vectors from './standardWebhooksV1a.vectors.json';

const RFC8032_PUBLIC_KEYS = [
	'd75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a',
	'3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c',
];
const WHSEC = `whsec_${Buffer.from('v1a-test-hmac-key-0123456789ab').toString('base64')}`;

const headersOf = (vector: (typeof vectors)[number], signature: string) => ({
	'webhook-id': vector.id,
	'webhook-timestamp': String(vector.timestamp),
	'webhook-signature': signature,
});

const verify = (vector: (typeof vectors)[number], signature: string, secrets: string[], body = vector.body) =>
	standardWebhooksScheme.verify({
		body: Buffer.from(body),
		headers: headersOf(vector, signature),
		secrets,
		nowSeconds: vector.timestamp,
	});

describe('Standard Webhooks v1a', () => {
	it('the vectors use the RFC 8032 keys', () => {
		expect(vectors.map((vector) => Buffer.from(vector.publicKey.slice(5), 'base64').toString('hex'))).toEqual(RFC8032_PUBLIC_KEYS);
		for (const vector of vectors) {
			expect(isWellFormedSigningKey(vector.signingKey)).toBe(true);
			expect(isWellFormedPublicKey(vector.publicKey)).toBe(true);
		}
	});

	it.each(vectors)('signs $id exactly as the vector and verifies it with the public key only', (vector) => {
		const headers = standardWebhooksScheme.sign({ body: vector.body, secret: vector.signingKey, id: vector.id, timestamp: vector.timestamp });
		expect(headers['webhook-signature']).toBe(vector.signature);
		expect(verify(vector, vector.signature, [vector.publicKey])).toMatchObject({ ok: true, secretIndex: 0, id: vector.id });
		expect(verify(vector, vector.signature, [vector.publicKey], `${vector.body} `)).toMatchObject({ ok: false, reason: 'mismatch' });
	});

	it('a libsodium-style 64-byte secret key (seed + public key) signs the same', () => {
		const [vector] = vectors;
		const seed = Buffer.from(vector.signingKey.slice(5), 'base64');
		const long = `whsk_${Buffer.concat([seed, Buffer.from(vector.publicKey.slice(5), 'base64')]).toString('base64')}`;
		expect(standardWebhooksScheme.sign({ body: vector.body, secret: long, id: vector.id, timestamp: vector.timestamp })['webhook-signature']).toBe(vector.signature);
	});

	it('v1 and v1a side by side in one header: each verifies with its own key, a public key never matches v1', () => {
		const [vector, other] = vectors;
		const both = standardWebhooksScheme.sign({ body: vector.body, secret: [WHSEC, vector.signingKey], id: vector.id, timestamp: vector.timestamp })[
			'webhook-signature'
		];
		expect(both.split(' ').map((entry) => entry.split(',')[0])).toEqual(['v1', 'v1a']);
		expect(verify(vector, both, [WHSEC])).toMatchObject({ ok: true, secretIndex: 0 });
		expect(verify(vector, both, [vector.publicKey])).toMatchObject({ ok: true, secretIndex: 0 });
		expect(verify(vector, both, [other.publicKey])).toMatchObject({ ok: false, reason: 'mismatch' });
		const v1Only = both.split(' ')[0];
		expect(verify(vector, v1Only, [vector.publicKey])).toMatchObject({ ok: false, reason: 'mismatch' });
	});

	it('a signature by another key, or a signing key among the verifying secrets, is refused', () => {
		const [vector, other] = vectors;
		expect(verify(vector, other.signature, [vector.publicKey])).toMatchObject({ ok: false });
		expect(verify(vector, vector.signature, [vector.signingKey])).toMatchObject({ ok: false, reason: 'mismatch' });
		expect(verify(vector, 'v1a,AAAA', [vector.publicKey])).toMatchObject({ ok: false, reason: 'malformed_signature' });
	});
});

describe('Standard Webhooks v1a against a separate ed25519 implementation (tweetnacl)', () => {
	const signedContent = (vector: (typeof vectors)[number]) => Buffer.from(`${vector.id}.${vector.timestamp}.${vector.body}`);
	const keyPairOf = (vector: (typeof vectors)[number]) =>
		nacl.sign.keyPair.fromSeed(new Uint8Array(Buffer.from(vector.signingKey.slice(5), 'base64')));

	it.each(vectors)('tweetnacl derives the vector $id public key from its signing key and verifies our signature', (vector) => {
		const pair = keyPairOf(vector);
		expect(Buffer.from(pair.publicKey).toString('base64')).toBe(vector.publicKey.slice(5));
		const ours = standardWebhooksScheme.sign({ body: vector.body, secret: vector.signingKey, id: vector.id, timestamp: vector.timestamp });
		const signature = Buffer.from(ours['webhook-signature'].split(',')[1], 'base64');
		expect(nacl.sign.detached.verify(new Uint8Array(signedContent(vector)), new Uint8Array(signature), pair.publicKey)).toBe(true);
	});

	it.each(vectors)('a signature tweetnacl makes for $id verifies with our scheme and the public key only', (vector) => {
		const signature = nacl.sign.detached(new Uint8Array(signedContent(vector)), keyPairOf(vector).secretKey);
		const header = `v1a,${Buffer.from(signature).toString('base64')}`;
		expect(verify(vector, header, [vector.publicKey])).toMatchObject({ ok: true, secretIndex: 0 });
		const tampered = Buffer.from(signature);
		tampered[0] ^= 1;
		expect(verify(vector, `v1a,${tampered.toString('base64')}`, [vector.publicKey])).toMatchObject({ ok: false });
	});
});
