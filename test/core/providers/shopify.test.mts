import { describe, expect, it } from 'vitest';

import { shopifyScheme } from '../../../nodes/core/providers/shopify';
import { SECRET, seedFixture } from '../../helpers/schemeVectors.mts';

describe('Shopify-style signature', () => {
	it('base64 of the raw body digest', () => {
		const body = seedFixture('outCallerAi.lead.created.json');
		const header = shopifyScheme.sign({ body, secret: SECRET })['X-Shopify-Hmac-SHA256'];
		expect(Buffer.from(header, 'base64')).toHaveLength(32);
		expect(shopifyScheme.verify({ body, headers: { 'x-shopify-hmac-sha256': header }, secrets: [SECRET] }).ok).toBe(true);
	});
});
