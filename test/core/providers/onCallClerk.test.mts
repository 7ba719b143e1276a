import { describe, expect, it } from 'vitest';

import { onCallClerk, onCallClerkScheme } from '../../../nodes/core/providers/onCallClerk';
import { SECRET, seedFixture } from '../../helpers/schemeVectors.mts';

describe('OnCallClerk, signed as its document specifies', () => {
	it('HMAC-SHA256 of the raw body, hex, base64 or sha256= all verify', () => {
		const body = seedFixture('onCallClerk.lead.captured.json');
		const signed = onCallClerkScheme.sign({ body, secret: SECRET });
		const hex = signed['X-OnCallClerk-Signature'];
		expect(hex).toMatch(/^[0-9a-f]{64}$/);
		const base64 = Buffer.from(hex, 'hex').toString('base64');
		for (const header of [hex, `sha256=${hex}`, base64, `sha256=${base64}`, hex.toUpperCase()]) {
			const result = onCallClerkScheme.verify({ body, headers: { 'x-oncallclerk-signature': header }, secrets: [SECRET] });
			expect(result, header).toEqual({ ok: true, secretIndex: 0, timestamp: undefined, id: undefined });
		}
	});
});

describe('OnCallClerk outbound envelope', () => {
	it('needs an event, and makes evt_ delivery ids', () => {
		expect(onCallClerk.outbound).toMatchObject({ requiresEvent: true, label: 'OnCallClerk {ID, Type, Created, Data}' });
		expect(onCallClerk.outbound?.defaultEvent).toBeUndefined();
		expect(onCallClerk.outbound?.newDeliveryId?.()).toMatch(/^evt_[0-9a-f]{32}$/);
	});
});
