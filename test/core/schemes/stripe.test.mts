import { createRequire } from 'node:module';

import { describe, expect, it } from 'vitest';

import { stripeScheme } from '../../../nodes/core/schemes/index';
import { NOW, OTHER, SECRET, WHSEC } from '../../helpers/schemeVectors.mts';

const require = createRequire(import.meta.url);
const Stripe = require('stripe');
const stripe = new Stripe('sk_test_unused');

describe('cross-check with the stripe SDK', () => {
	const body = '{"type":"contact.created","data":{"name":"Zoë Ñúñez","note":"日本語 ✓"}}';

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
