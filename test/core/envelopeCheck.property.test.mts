import fc from 'fast-check';
import { z } from 'zod';
import { describe, expect, it } from 'vitest';

import { checkEnvelope, envelopeCheck } from '../../nodes/core/envelopeCheck';
import { createCustomHmacPreset, defaultCustomHmacSettings } from '../../nodes/core/providers/customHmac';
import { providerPresets, resolvePreset } from '../../nodes/core/providers/index';
import { customHmacParams, providers, signedDelivery } from '../helpers/signedRequests.mts';

/** The test helper's custom parameters, as preset settings. */
const customHmacSettings = () => ({
	signatureHeader: customHmacParams.customSignatureHeader,
	prefix: customHmacParams.customPrefix,
	encoding: customHmacParams.customEncoding as 'base64',
	template: customHmacParams.customTemplate,
	timestampHeader: customHmacParams.customTimestampHeader,
	eventField: customHmacParams.customEventField,
	idField: customHmacParams.customIdField,
});

/** Values shaped like envelopes, with the presets' field names, so both verdicts occur often. */
const fieldNames = ['id', 'type', 'event', 'created', 'timestamp', 'data', 'dials', 'deliveryId', 'deliveredAt', 'resource', '__proto__', 'constructor'];
const leaf = fc.oneof(fc.string({ maxLength: 3 }), fc.integer(), fc.double(), fc.boolean(), fc.constant(null));
const value = fc.letrec((tie) => ({
	node: fc.oneof({ depthSize: 'small' }, leaf, tie('array'), tie('object')),
	array: fc.array(tie('node'), { maxLength: 4 }),
	object: fc.dictionary(fc.constantFrom(...fieldNames), tie('node'), { maxKeys: 6 }),
})).node;
const dials = fc.array(fc.oneof(fc.dictionary(fc.string({ maxLength: 2 }), leaf), leaf), { minLength: 0, maxLength: 102 });
const envelopeLike = fc.oneof(
	value,
	fc.record({ event: leaf, deliveryId: leaf, deliveredAt: fc.option(leaf, { nil: undefined }), dials }, { requiredKeys: [] }),
	fc.record({ id: leaf, type: leaf, created: fc.option(leaf, { nil: undefined }), data: value }, { requiredKeys: [] }),
);

const schemas = [...providerPresets, createCustomHmacPreset(defaultCustomHmacSettings)].map((preset) => [preset.name, preset.envelope] as const);

describe('the envelope fast check agrees with zod', () => {
	it.each(schemas)('%s compiles to a fast check', (_name, schema) => {
		expect(envelopeCheck(schema)).toBeTypeOf('function');
	});

	it.each(schemas)('%s: same verdict as safeParse on 3,000 generated values', (_name, schema) => {
		const fast = envelopeCheck(schema)!;
		fc.assert(
			fc.property(envelopeLike, (candidate) => {
				expect(fast(candidate)).toBe(schema.safeParse(candidate).success);
			}),
			{ numRuns: 3_000 },
		);
	});

	it('leaves unknown zod types to zod, which still explains the failure', () => {
		const schema = z.object({ when: z.string().datetime() });
		expect(envelopeCheck(schema)).toBeUndefined();
		expect(checkEnvelope(schema, { when: '2026-01-01T00:00:00Z' })).toEqual({ ok: true });
		const refused = checkEnvelope(schema, { when: 'yesterday' });
		expect(refused.ok).toBe(false);
	});

	it('never accepts what zod refuses, for constraints its public API does not show', () => {
		const tricky = {
			regex: z.object({ id: z.string().regex(/^evt_/) }),
			startsWith: z.object({ id: z.string().min(1).startsWith('evt_') }),
			exactString: z.object({ id: z.string().length(4) }),
			strict: z.object({ id: z.string() }).strict(),
			catchall: z.object({ id: z.string() }).catchall(z.number()),
			arrayBounds: z.object({ dials: z.array(z.unknown()).min(2).max(3) }),
			exactArray: z.object({ dials: z.array(z.unknown()).length(2) }),
			nonempty: z.array(z.string()).nonempty(),
			int: z.object({ n: z.number().int() }),
			multipleOf: z.object({ n: z.number().multipleOf(5) }),
		};
		const samples = [
			{ id: 'evt_1' },
			{ id: 'abcd' },
			{ id: 'x', extra: 'y' },
			{ id: 'x', extra: 1 },
			{ dials: [] },
			{ dials: [1] },
			{ dials: [1, 2] },
			{ dials: [1, 2, 3, 4] },
			{ n: 1.5 },
			{ n: 7 },
			{ n: 10 },
			[],
			['a'],
		];
		for (const [name, schema] of Object.entries(tricky)) {
			const fast = envelopeCheck(schema);
			for (const sample of samples) {
				if (fast?.(sample)) expect(schema.safeParse(sample).success, `${name} ${JSON.stringify(sample)}`).toBe(true);
				expect(checkEnvelope(schema, sample).ok, `${name} ${JSON.stringify(sample)}`).toBe(schema.safeParse(sample).success);
			}
		}
		// What it can read, it still compiles: array bounds and plain string lengths.
		expect(envelopeCheck(tricky.arrayBounds)).toBeTypeOf('function');
		expect(envelopeCheck(tricky.strict)).toBeUndefined();
		expect(envelopeCheck(tricky.regex)).toBeUndefined();
	});

	it.each(providers)('%s: its own item fields never replace a normalized one', (provider) => {
		const delivery = signedDelivery(provider);
		const preset = provider === 'customHmac' ? createCustomHmacPreset({ ...defaultCustomHmacSettings, ...customHmacSettings() }) : resolvePreset(provider)!;
		const headers = Object.fromEntries(Object.entries(delivery.headers).map(([name, text]) => [name.toLowerCase(), text]));
		const inbound = { body: delivery.body, headers, envelope: JSON.parse(delivery.body.toString()), receivedAtMs: Date.now() };
		const events = preset.toEvents(inbound);
		expect(events.length).toBeGreaterThan(0);
		const reserved = ['event', 'provider', 'id', 'dedupeKey', 'occurredAt', 'data', 'verification'];
		for (const event of events) {
			for (const key of Object.keys(event.fields ?? {})) expect(reserved).not.toContain(key);
		}
	});
});
