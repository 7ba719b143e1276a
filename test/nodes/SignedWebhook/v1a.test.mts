/**
 * Standard Webhooks v1a end to end in n8n-core's contexts: Signed Webhook
 * signs v1 and v1a side by side with the credential's secret and whsk_ key;
 * the trigger's Standard Webhooks preset accepts the request with only the
 * whpk_ public key, and refuses it with another key.
 */
import { describe, expect, it } from 'vitest';

import vectors from '../../core/schemes/standardWebhooksV1a.vectors.json';
import { receiverForFile, runNode } from '../../helpers/executeNode.mjs';
import { verifyRequest } from '../../helpers/receiver.mjs';
import { callWebhook, freshDedupeMemory } from '../../helpers/triggerNode.mts';

const WHSEC = `whsec_${Buffer.from('v1a-node-hmac-key-0123456789ab').toString('base64')}`;
const [key, otherKey] = vectors;

const receiver = await receiverForFile();

async function sendWith(credential: Record<string, string>) {
	receiver.reset();
	const result = await runNode({
		parameters: { urls: receiver.url('/v1a'), envelope: 'standardWebhooks', event: 'contact.updated' },
		items: [{ contactId: 'c_1', name: 'Zoë' }],
		credential: { authType: 'none', ...credential },
	});
	expect(result.error).toBeUndefined();
	const [request] = receiver.requestsFor('/v1a');
	return request;
}

async function receive(request: Awaited<ReturnType<typeof sendWith>>, publicKey: string) {
	freshDedupeMemory();
	return await callWebhook({
		params: { provider: 'standardWebhooks', events: ['*'] },
		credential: { publicKey, authType: 'none' },
		body: request.body,
		headers: Object.fromEntries(['webhook-id', 'webhook-timestamp', 'webhook-signature'].map((name) => [name, String(request.headers[name])])),
	});
}

describe('Standard Webhooks v1a through both nodes', () => {
	it('secret and signing key: one header with v1 and v1a; the reference verifies v1, the trigger v1a with the public key', async () => {
		const request = await sendWith({ signingSecret: WHSEC, signingSecretKey: key.signingKey });
		expect(String(request.headers['webhook-signature']).split(' ').map((entry) => entry.split(',')[0])).toEqual(['v1', 'v1a']);
		const check = await verifyRequest('standardWebhooks', request, [WHSEC]);
		expect(check.ours.ok).toBe(true);
		expect(check.reference, check.referenceName).toBe(true);

		const accepted = await receive(request, key.publicKey);
		expect(accepted.result.workflowData?.[0]?.[0]?.json).toMatchObject({ event: 'contact.updated', verification: { secret: 'current' } });
		const refused = await receive(request, otherKey.publicKey);
		expect(refused.result.workflowData).toBeUndefined();
		expect(refused.response.status).toBe(401);
	});

	it('signing key alone: v1a only', async () => {
		const request = await sendWith({ signingSecretKey: key.signingKey });
		expect(String(request.headers['webhook-signature'])).toMatch(/^v1a,[A-Za-z0-9+/]{86}==$/);
		expect((await receive(request, key.publicKey)).result.workflowData?.[0]).toHaveLength(1);
	});

	it('a signing key with another scheme is a settings error, not an HMAC key', async () => {
		const result = await runNode({
			parameters: { urls: receiver.url('/v1a'), signatureScheme: 'stripe' },
			items: [{ id: 1 }],
			credential: { authType: 'none', signingSecretKey: key.signingKey },
		});
		expect(result.error?.message).toMatch(/signs only Standard Webhooks/);
	});
});
