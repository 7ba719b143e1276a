import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

import { sign as octokitSign, verify as octokitVerify } from '@octokit/webhooks-methods';
import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';

import {
	createCustomHmacScheme,
	gitHubScheme,
	namedSchemes,
	onCallClerkScheme,
	outboundIqScheme,
	pbxScheme,
	shopifyScheme,
	standardWebhooksScheme,
	stripeScheme,
} from '../../../nodes/core/schemes/index';
import type { RequestHeaders, SignatureScheme } from '../../../nodes/core/schemes/types';

const require = createRequire(import.meta.url);
const Stripe = require('stripe');
const stripe = new Stripe('sk_test_unused');

const fixture = (name: string) => readFileSync(new URL(`../../fixtures/seeds/${name}`, import.meta.url));
const lower = (headers: Record<string, string>): RequestHeaders =>
	Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]));
const NOW = 1_763_800_000;
const SECRET = 'test-signing-secret-4f1c';
const OTHER = 'another-secret-99a0b7';
const WHSEC = `whsec_${Buffer.from('0123456789abcdef0123456789abcdef').toString('base64')}`;
const secretFor = (scheme: SignatureScheme) => (scheme.name === 'standardWebhooks' ? WHSEC : SECRET);

describe('Standard Webhooks spec vectors', () => {
	const vectors = [
		{
			secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
			id: 'msg_p5jXN8AQM9LWM0D4loKWxJek',
			timestamp: 1614265330,
			body: '{"test": 2432232314}',
			signature: 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
		},
		{
			secret: 'whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD',
			id: 'msg_27UH4WbU6Z5A5EzD8u03UvzRbpk',
			timestamp: 1649367553,
			body: '{"email":"test@example.com","username":"test_user"}',
			signature: 'v1,tZ1I4/hDygAJgO5TYxiSd6Sd0kDW6hPenDe+bTa3Kkw=',
		},
	];
	for (const vector of vectors) {
		it(`signs and verifies ${vector.id}`, () => {
			const headers = standardWebhooksScheme.sign({
				body: vector.body,
				secret: vector.secret,
				id: vector.id,
				timestamp: vector.timestamp,
			});
			expect(headers['webhook-signature']).toBe(vector.signature);
			const result = standardWebhooksScheme.verify({
				body: Buffer.from(vector.body),
				headers: {
					'webhook-id': vector.id,
					'webhook-timestamp': String(vector.timestamp),
					'webhook-signature': vector.signature,
				},
				secrets: [vector.secret],
				nowSeconds: vector.timestamp,
			});
			expect(result).toEqual({ ok: true, secretIndex: 0, timestamp: vector.timestamp, id: vector.id });
		});
	}

	it('accepts an unpadded whsec_ secret, svix-* headers and one of several signatures', () => {
		const [vector] = vectors;
		const unpadded = vector.secret.replace(/=+$/, '');
		const result = standardWebhooksScheme.verify({
			body: Buffer.from(vector.body),
			headers: {
				'svix-id': vector.id,
				'svix-timestamp': String(vector.timestamp),
				'svix-signature': `v1,${Buffer.alloc(32).toString('base64')} v2,abc ${vector.signature}`,
			},
			secrets: [unpadded],
			nowSeconds: vector.timestamp,
		});
		expect(result.ok).toBe(true);
	});
});

describe('GitHub documented vector', () => {
	it('produces the documented signature', () => {
		const headers = gitHubScheme.sign({ body: 'Hello, World!', secret: "It's a Secret to Everybody" });
		expect(headers['X-Hub-Signature-256']).toBe(
			'sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17',
		);
	});
});

describe('cross-checks with reference implementations', () => {
	const body = '{"type":"contact.created","data":{"name":"Zoë Ñúñez","note":"日本語 ✓"}}';

	it('standardwebhooks verifies ours, and we verify theirs', () => {
		const id = 'msg_cross_1';
		const timestamp = Math.floor(Date.now() / 1000);
		const ours = standardWebhooksScheme.sign({ body, secret: WHSEC, id, timestamp });
		const reference = new Webhook(WHSEC);
		expect(reference.verify(body, ours)).toEqual(JSON.parse(body));

		const theirs = reference.sign(id, new Date(timestamp * 1000), body);
		expect(theirs).toBe(ours['webhook-signature']);
		const result = standardWebhooksScheme.verify({
			body: Buffer.from(body),
			headers: { 'webhook-id': id, 'webhook-timestamp': String(timestamp), 'webhook-signature': theirs },
			secrets: [WHSEC],
		});
		expect(result.ok).toBe(true);
	});

	it('@octokit/webhooks-methods verifies ours, and we verify theirs', async () => {
		const ours = gitHubScheme.sign({ body, secret: SECRET })['X-Hub-Signature-256'];
		expect(await octokitVerify(SECRET, body, ours)).toBe(true);
		const theirs = await octokitSign(SECRET, body);
		expect(theirs).toBe(ours);
		const result = gitHubScheme.verify({
			body: Buffer.from(body),
			headers: { 'x-hub-signature-256': theirs },
			secrets: [SECRET],
		});
		expect(result.ok).toBe(true);
	});

	it('the stripe SDK verifies ours, and we verify theirs', () => {
		const timestamp = Math.floor(Date.now() / 1000);
		const ours = stripeScheme.sign({ body, secret: WHSEC, timestamp })['Stripe-Signature'];
		expect(stripe.webhooks.constructEvent(body, ours, WHSEC)).toEqual(JSON.parse(body));
		const theirs = stripe.webhooks.generateTestHeaderString({ payload: body, secret: WHSEC, timestamp });
		expect(theirs).toBe(ours);
		const result = stripeScheme.verify({
			body: Buffer.from(body),
			headers: { 'stripe-signature': theirs },
			secrets: [WHSEC],
		});
		expect(result).toEqual({ ok: true, secretIndex: 0, timestamp });
	});

	it('any v1 of a Stripe header may match, so rotation works both ways', () => {
		const header = stripeScheme.sign({ body, secret: [OTHER, SECRET], timestamp: NOW })['Stripe-Signature'];
		expect(header.split(',')).toHaveLength(3);
		expect(stripeScheme.verify({ body: Buffer.from(body), headers: { 'stripe-signature': header }, secrets: [SECRET], nowSeconds: NOW }).ok).toBe(true);
		expect(() => stripe.webhooks.constructEvent(body, header, SECRET, 1e9)).not.toThrow();
	});
});

describe('seed documents, signed as each specifies', () => {
	it('OnCallClerk: HMAC-SHA256 of the raw body, hex, base64 or sha256= all verify', () => {
		const body = fixture('onCallClerk.lead.captured.json');
		const signed = onCallClerkScheme.sign({ body, secret: SECRET });
		const hex = signed['X-OnCallClerk-Signature'];
		expect(hex).toMatch(/^[0-9a-f]{64}$/);
		const base64 = Buffer.from(hex, 'hex').toString('base64');
		for (const header of [hex, `sha256=${hex}`, base64, `sha256=${base64}`, hex.toUpperCase()]) {
			const result = onCallClerkScheme.verify({ body, headers: { 'x-oncallclerk-signature': header }, secrets: [SECRET] });
			expect(result, header).toEqual({ ok: true, secretIndex: 0, timestamp: undefined, id: undefined });
		}
	});

	it('outboundIQ: sha256=<hex> as in the document, and the document verifier accepts ours', async () => {
		const body = fixture('outboundIq.dial.batch.json');
		const header = outboundIqScheme.sign({ body, secret: SECRET })['X-OutboundIQ-Signature'];
		const { createHmac, timingSafeEqual } = await import('node:crypto');
		// The verifier printed in the outboundIQ document.
		const documentVerify = (rawBody: Buffer, signature: string, secret: string) => {
			if (!signature || !signature.startsWith('sha256=')) return false;
			const expected = createHmac('sha256', secret).update(rawBody).digest('hex');
			const a = Buffer.from(expected, 'hex');
			const b = Buffer.from(signature.slice('sha256='.length), 'hex');
			return a.length === b.length && timingSafeEqual(a, b);
		};
		expect(documentVerify(body, header, SECRET)).toBe(true);
		expect(outboundIqScheme.verify({ body, headers: { 'x-outboundiq-signature': header }, secrets: [SECRET] }).ok).toBe(true);
		const bare = header.slice('sha256='.length);
		expect(outboundIqScheme.verify({ body, headers: { 'x-outboundiq-signature': bare }, secrets: [SECRET] })).toMatchObject({
			ok: false,
			reason: 'malformed_signature',
		});
	});

	it('PBX: hex HMAC of "<timestamp>.<raw body>", as the document computes it', async () => {
		const body = fixture('pbx.extension.created.json');
		const timestamp = 1710700000;
		const headers = pbxScheme.sign({ body, secret: SECRET, timestamp });
		const { createHmac } = await import('node:crypto');
		const documentExpected = createHmac('sha256', SECRET).update(`${timestamp}.${body.toString()}`).digest('hex');
		expect(headers).toEqual({ 'X-Webhook-Signature': documentExpected, 'X-Webhook-Timestamp': String(timestamp) });
		expect(pbxScheme.verify({ body, headers: lower(headers), secrets: [SECRET], nowSeconds: timestamp + 10 })).toEqual({
			ok: true,
			secretIndex: 0,
			timestamp,
			id: undefined,
		});
	});

	it('Shopify-style: base64 of the raw body digest', () => {
		const body = fixture('outCallerAi.lead.created.json');
		const header = shopifyScheme.sign({ body, secret: SECRET })['X-Shopify-Hmac-SHA256'];
		expect(Buffer.from(header, 'base64')).toHaveLength(32);
		expect(shopifyScheme.verify({ body, headers: { 'x-shopify-hmac-sha256': header }, secrets: [SECRET] }).ok).toBe(true);
	});
});

describe('custom HMAC', () => {
	const body = Buffer.from('{"ok":true}');
	for (const algorithm of ['sha1', 'sha256', 'sha512'] as const) {
		for (const encoding of ['hex', 'base64'] as const) {
			it(`${algorithm}/${encoding} over a template with timestamp and id`, async () => {
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
				const { createHmac } = await import('node:crypto');
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
});

describe('every scheme', () => {
	const schemes = Object.values(namedSchemes);
	const multibyte = Buffer.from('{"name":"Zoë","city":"Zürich","emoji":"📞","jp":"電話"}');

	const signedRequest = (scheme: SignatureScheme, body: Buffer, timestamp = NOW) => ({
		body,
		headers: lower(scheme.sign({ body, secret: secretFor(scheme), id: 'msg_1', timestamp })),
		secrets: [secretFor(scheme)],
		nowSeconds: NOW,
	});

	for (const scheme of schemes) {
		describe(scheme.name, () => {
			it('verifies a multibyte UTF-8 body over its exact bytes', () => {
				expect(scheme.verify(signedRequest(scheme, multibyte)).ok).toBe(true);
			});

			it('says which secret matched during rotation', () => {
				const request = signedRequest(scheme, multibyte);
				const current = scheme.name === 'standardWebhooks' ? `whsec_${Buffer.from('another-key-0123456789').toString('base64')}` : OTHER;
				const result = scheme.verify({ ...request, secrets: [current, secretFor(scheme)] });
				expect(result).toMatchObject({ ok: true, secretIndex: 1 });
			});

			it('fails closed without a secret', () => {
				expect(scheme.verify({ ...signedRequest(scheme, multibyte), secrets: [] })).toMatchObject({ ok: false, reason: 'no_secret' });
				expect(scheme.verify({ ...signedRequest(scheme, multibyte), secrets: [''] })).toMatchObject({ ok: false, reason: 'no_secret' });
			});

			it('rejects a wrong secret', () => {
				const wrong = scheme.name === 'standardWebhooks' ? `whsec_${Buffer.from('wrong-key-0123456789ab').toString('base64')}` : OTHER;
				expect(scheme.verify({ ...signedRequest(scheme, multibyte), secrets: [wrong] })).toMatchObject({ ok: false, reason: 'mismatch' });
			});

			it('rejects one flipped byte of the body', () => {
				const request = signedRequest(scheme, multibyte);
				const flipped = Buffer.from(multibyte);
				flipped[10] ^= 0x01;
				expect(scheme.verify({ ...request, body: flipped })).toMatchObject({ ok: false, reason: 'mismatch' });
			});

			it('rejects a missing signature header', () => {
				const request = signedRequest(scheme, multibyte);
				const headers = { ...request.headers };
				delete headers[scheme.headerNames[0]];
				expect(scheme.verify({ ...request, headers })).toMatchObject({ ok: false, reason: 'missing_signature' });
			});

			const signatureValue = (request: ReturnType<typeof signedRequest>) => String(request.headers[scheme.headerNames[0]]);
			const withSignature = (request: ReturnType<typeof signedRequest>, value: string) => ({
				...request,
				headers: { ...request.headers, [scheme.headerNames[0]]: value },
			});
			const badSignatures = (value: string): string[] => [
				value.slice(0, -4),
				`${value}abcd`,
				value.slice(0, -2) + '!!',
				value.slice(0, -2) + 'zz',
				'',
				'v1,',
				'sha256=',
				't=,v1=',
			];

			it('rejects truncated, over-long, non-hex and non-base64 signatures without throwing', () => {
				const request = signedRequest(scheme, multibyte);
				for (const bad of badSignatures(signatureValue(request))) {
					const result = scheme.verify(withSignature(request, bad));
					expect(result.ok, `${scheme.name}: ${JSON.stringify(bad)}`).toBe(false);
					if (!result.ok) {
						expect(['malformed_signature', 'missing_signature', 'mismatch', 'missing_timestamp', 'malformed_timestamp']).toContain(result.reason);
					}
				}
			});

			if (scheme.signsTimestamp) {
				it('applies the tolerance in both directions, one second past it failing', () => {
					for (const offset of [-300, 300]) {
						expect(scheme.verify(signedRequest(scheme, multibyte, NOW + offset)).ok).toBe(true);
					}
					for (const offset of [-301, 301]) {
						expect(scheme.verify(signedRequest(scheme, multibyte, NOW + offset))).toMatchObject({ ok: false, reason: 'stale_timestamp' });
					}
				});

				it('accepts a timestamp in milliseconds when the signature covers it', () => {
					const request = signedRequest(scheme, multibyte, NOW * 1000 + 123);
					expect(scheme.verify(request)).toMatchObject({ ok: true, timestamp: NOW });
				});

				it('honours a configured tolerance, and 0 turns the check off', () => {
					const old = signedRequest(scheme, multibyte, NOW - 3600);
					expect(scheme.verify({ ...old, toleranceSeconds: 3599 })).toMatchObject({ ok: false, reason: 'stale_timestamp' });
					expect(scheme.verify({ ...old, toleranceSeconds: 3600 }).ok).toBe(true);
					expect(scheme.verify({ ...old, toleranceSeconds: 0 }).ok).toBe(true);
				});
			}
		});
	}
});

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
