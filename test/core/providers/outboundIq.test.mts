import { createHmac, timingSafeEqual } from 'node:crypto';

import { describe, expect, it } from 'vitest';

import { outboundIq, outboundIqScheme } from '../../../nodes/core/providers/outboundIq';
import { SECRET, seedFixture } from '../../helpers/schemeVectors.mts';

describe('outboundIQ, signed as its document specifies', () => {
	it('sha256=<hex> as in the document, and the document verifier accepts ours', () => {
		const body = seedFixture('outboundIq.dial.batch.json');
		const header = outboundIqScheme.sign({ body, secret: SECRET })['X-OutboundIQ-Signature'];
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
});

describe('outboundIQ outbound envelope', () => {
	it('defaults the event to dial.batch, batches under dials, and makes UUID delivery ids', () => {
		expect(outboundIq.outbound).toMatchObject({ requiresEvent: false, defaultEvent: 'dial.batch', batchKey: 'dials' });
		expect(outboundIq.outbound?.newDeliveryId?.()).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
		expect(outboundIq.events.map((event) => event.name)).toEqual([outboundIq.outbound?.defaultEvent]);
	});
});
