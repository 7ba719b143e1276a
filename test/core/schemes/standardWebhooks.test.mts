import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';

import { standardWebhooksScheme } from '../../../nodes/core/schemes/index';
import { WHSEC } from '../../helpers/schemeVectors.mts';

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

describe('cross-check with the reference implementation', () => {
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
});
