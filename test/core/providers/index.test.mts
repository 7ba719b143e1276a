import { describe, expect, it } from 'vitest';

import { namedSchemes, providerPresets, resolvePreset } from '../../../nodes/core/providers/index';
import type { SignatureScheme } from '../../../nodes/core/schemes/types';
import { lower, NOW, OTHER, secretFor } from '../../helpers/schemeVectors.mts';

describe('the registry', () => {
	it('has one preset per name, and every fixed scheme by its preset name', () => {
		const names = providerPresets.map((preset) => preset.name);
		expect(new Set(names).size).toBe(names.length);
		expect(Object.keys(namedSchemes).sort()).toEqual(['github', 'onCallClerk', 'outboundIq', 'pbx', 'shopify', 'standardWebhooks', 'stripe']);
		for (const [name, scheme] of Object.entries(namedSchemes)) {
			expect(scheme.name).toBe(name);
			expect(resolvePreset(name)?.scheme).toBe(scheme);
		}
	});

	it('an outbound envelope either needs an event or has a default one', () => {
		for (const preset of providerPresets) {
			if (!preset.outbound) continue;
			expect(preset.outbound.requiresEvent || preset.outbound.defaultEvent !== undefined, preset.name).toBe(true);
			expect(preset.outbound.label.length, preset.name).toBeGreaterThan(0);
		}
	});
});

describe('resolvePreset', () => {
	it('Custom HMAC presets are built from settings and cached', () => {
		const settings = { algorithm: 'sha1' as const, signatureHeader: 'X-Sig', encoding: 'hex' as const };
		expect(resolvePreset('customHmac', settings)).toBe(resolvePreset('customHmac', { ...settings }));
		expect(() => resolvePreset('customHmac', { ...settings, template: '{timestamp}.{body}' })).toThrow();
	});

	it('without Custom HMAC settings, the registry preset; undefined for an unknown name', () => {
		expect(resolvePreset('customHmac')).toBe(providerPresets.find((preset) => preset.name === 'customHmac'));
		expect(resolvePreset('nope')).toBeUndefined();
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
