/**
 * Adding a platform takes one file: the made-up provider in fixtures/ appears
 * in both nodes' options and goes through the core, with no edit anywhere else.
 */
import { describe, expect, it } from 'vitest';

import { createEventFilter } from '../../../nodes/core/eventFilter';
import { buildBody, envelopeFor, newDeliveryId, resolveEvent, resolveScheme } from '../../../nodes/core/outbound';
import { providerPresets, resolvePreset } from '../../../nodes/core/providers/index';
import { receive } from '../../../nodes/core/receive';
import { envelopeOptions, providerOptions, signatureSchemeOptions } from '../../../nodes/shared/providerOptions';
import { lower } from '../../helpers/schemeVectors.mts';
import { acmeVoice } from './fixtures/acmeVoice.mts';

const registry = [...providerPresets, acmeVoice];
const SECRET = 'acme-signing-secret-0042';
const NOW = new Date('2026-11-22T10:00:00.000Z');
const AT = Math.floor(NOW.getTime() / 1000);

describe('a made-up provider, added as one file', () => {
	it("shows up in the trigger's Provider options", () => {
		expect(providerOptions(registry)).toContainEqual({ name: 'Acme Voice', value: 'acmeVoice' });
		expect(providerOptions(registry)).toHaveLength(providerOptions().length + 1);
	});

	it("shows up in the sender's Signature Scheme and Envelope options, in alphabetical place", () => {
		const schemes = signatureSchemeOptions(registry);
		expect(schemes[0]).toEqual({ name: 'Acme Voice (X-Acme-Signature)', value: 'acmeVoice' });
		expect(schemes).toHaveLength(signatureSchemeOptions().length + 1);
		const envelopes = envelopeOptions(registry);
		expect(envelopes[0]).toEqual({ name: 'Acme Voice {Call, Kind, At, Payload}', value: 'acmeVoice' });
		expect(envelopes).toHaveLength(envelopeOptions().length + 1);
	});

	it('is unknown to a registry without it', () => {
		expect(resolvePreset('acmeVoice')).toBeUndefined();
		expect(() => envelopeFor('acmeVoice')).toThrow(/not a known envelope/);
		expect(() => resolveScheme('acmeVoice')).toThrow(/not a known scheme/);
	});

	it('the sender builds, identifies and signs its deliveries', () => {
		expect(() => resolveEvent('acmeVoice', '', registry)).toThrow(/event name is required/);
		expect(newDeliveryId('acmeVoice', registry)).toMatch(/^call_/);
		const built = buildBody({
			envelope: envelopeFor('acmeVoice', registry),
			event: resolveEvent('acmeVoice', 'call.ended', registry),
			deliveryId: 'call_1',
			timestamp: NOW,
			items: [{ seconds: 42 }],
			batch: { size: 1, key: '' },
		});
		expect(JSON.parse(built.body.toString())).toEqual({ call: 'call_1', kind: 'call.ended', at: AT, payload: { seconds: 42 } });
		expect(built.envelopeHeaders).toEqual({ 'X-Acme-Kind': 'call.ended' });
		const scheme = resolveScheme('acmeVoice', undefined, registry);
		expect(scheme).toBe(acmeVoice.scheme);
	});

	it('the trigger side verifies what the sender signed and turns it into events', () => {
		const preset = resolvePreset('acmeVoice', undefined, registry)!;
		const body = Buffer.from(JSON.stringify({ call: 'call_1', kind: 'call.ended', at: AT, payload: { seconds: 42 } }));
		const headers = lower({ ...preset.scheme!.sign({ body, secret: SECRET, timestamp: AT }), 'X-Acme-Kind': 'call.ended' });
		expect(preset.scheme!.verify({ body, headers, secrets: [SECRET], nowSeconds: AT + 10 })).toMatchObject({ ok: true, secretIndex: 0, timestamp: AT });
		const parsed = preset.envelope.safeParse(JSON.parse(body.toString()));
		expect(parsed.success).toBe(true);
		const request = { body, headers, envelope: parsed.data, receivedAtMs: NOW.getTime() };
		expect(preset.eventName(request)).toBe('call.ended');
		expect(preset.dedupeKey(request)).toBe('call_1');
		expect(preset.toEvents(request)).toEqual([
			{ event: 'call.ended', id: 'call_1', occurredAt: '2026-11-22T10:00:00.000Z', data: { seconds: 42 } },
		]);
	});

	it('receive() takes it end to end: verifies, filters and emits, and rejects a forgery', () => {
		const preset = resolvePreset('acmeVoice', undefined, registry)!;
		const body = Buffer.from(JSON.stringify({ call: 'call_7', kind: 'call.ended', at: AT, payload: { seconds: 7 } }));
		const headers = lower({ ...preset.scheme!.sign({ body, secret: SECRET, timestamp: AT }), 'X-Acme-Kind': 'call.ended' });
		const settings = { preset, secrets: [SECRET], eventFilter: createEventFilter(['call.*']), nowMs: (AT + 5) * 1000 };
		const outcome = receive({ body, headers }, settings);
		expect(outcome).toMatchObject({ kind: 'emit', provider: 'acmeVoice', event: 'call.ended', dedupeKey: 'call_7' });
		expect(outcome.kind === 'emit' && outcome.items).toEqual([
			expect.objectContaining({ event: 'call.ended', provider: 'acmeVoice', id: 'call_7', data: { seconds: 7 } }),
		]);
		const forged = receive({ body: Buffer.from(body.toString().replace('7', '8')), headers }, settings);
		expect(forged).toMatchObject({ kind: 'reject', status: 401, provider: 'acmeVoice' });
	});
});
