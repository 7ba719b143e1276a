import { createHmac } from 'node:crypto';

import { describe, expect, it } from 'vitest';

import { pbx, pbxScheme } from '../../../nodes/core/providers/pbx';
import { lower, SECRET, seedFixture } from '../../helpers/schemeVectors.mts';

describe('PBX Outbound Webhooks, signed as its document specifies', () => {
	it('hex HMAC of "<timestamp>.<raw body>", as the document computes it', () => {
		const body = seedFixture('pbx.extension.created.json');
		const timestamp = 1710700000;
		const headers = pbxScheme.sign({ body, secret: SECRET, timestamp });
		const documentExpected = createHmac('sha256', SECRET).update(`${timestamp}.${body.toString()}`).digest('hex');
		expect(headers).toEqual({ 'X-Webhook-Signature': documentExpected, 'X-Webhook-Timestamp': String(timestamp) });
		expect(pbxScheme.verify({ body, headers: lower(headers), secrets: [SECRET], nowSeconds: timestamp + 10 })).toEqual({
			ok: true,
			secretIndex: 0,
			timestamp,
			id: undefined,
		});
	});
});

describe('PBX outbound envelope', () => {
	it('needs an event and uses the default msg_ delivery ids', () => {
		expect(pbx.outbound).toMatchObject({ requiresEvent: true, label: 'PBX {Event, Timestamp, Data}' });
		expect(pbx.outbound?.newDeliveryId).toBeUndefined();
	});
});
