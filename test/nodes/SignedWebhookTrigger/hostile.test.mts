/**
 * A quick property check of the trigger under hostile input (the full
 * 10,000-per-preset campaign belongs to the reliability suite): webhook()
 * never throws, forged requests never emit, and every refusal carries a code.
 */
import fc from 'fast-check';
import { beforeEach, describe, expect, it } from 'vitest';

import { callWebhook, freshDedupeMemory } from '../../helpers/triggerNode.mts';
import { providers, signedDelivery } from '../../helpers/signedRequests.mjs';

beforeEach(() => freshDedupeMemory());

const headerName = fc.constantFrom(
	'x-oncallclerk-signature',
	'x-outboundiq-signature',
	'x-outboundiq-delivery-id',
	'x-webhook-signature',
	'x-webhook-timestamp',
	'webhook-id',
	'webhook-timestamp',
	'webhook-signature',
	'stripe-signature',
	'x-hub-signature-256',
	'x-github-event',
	'x-shopify-hmac-sha256',
	'x-shopify-topic',
	'x-acme-signature',
	'x-acme-timestamp',
	'authorization',
	'x-api-key',
	'x-outcaller-event',
);
const headerValue = fc.oneof(
	fc.string({ maxLength: 80 }),
	fc.constantFrom('sha256=', 'v1,', 't=1,v1=zz', 'Bearer ', '-1', 'NaN', '99999999999999999', '1e308'),
	fc.array(fc.string({ maxLength: 20 }), { minLength: 1, maxLength: 3 }),
);
const jsonish = fc.oneof(
	fc.json({ maxDepth: 4 }),
	fc.constantFrom(
		'',
		'{',
		'[]',
		'null',
		'{"__proto__":{"x":1}}',
		'{"event":"dial.batch","deliveryId":"d","dials":"nope"}',
		'{"id":"e","type":"lead.captured","data":{}}',
		'{"event":"lead.created","resource":"lead","timestamp":"x","data":{}}',
	),
	fc.uint8Array({ maxLength: 200 }).map((bytes) => Buffer.from(bytes).toString('latin1')),
);

describe('hostile requests', () => {
	for (const provider of providers) {
		it(`${provider}: never throws, never emits a forged request, always answers with a code`, async () => {
			const configured = signedDelivery(provider);
			await fc.assert(
				fc.asyncProperty(fc.dictionary(headerName, headerValue, { maxKeys: 6 }), jsonish, async (headers, body) => {
					const { result, response } = await callWebhook({
						params: configured.params,
						credential: configured.credential,
						body: Buffer.from(body, 'latin1'),
						headers: headers as Record<string, string | string[]>,
					});
					if (result.workflowData !== undefined) {
						// Only auth-header presets can accept a forged body, and only with the real header.
						const auth = String(headers.authorization ?? headers['x-api-key'] ?? '');
						expect(['outCallerAi', 'leadUpdateCallback']).toContain(provider);
						expect(auth).toContain(provider === 'outCallerAi' ? 'outcaller-bearer-token' : 'lead-callback-api-key');
					} else {
						// Nothing here is authentic, so every answer is a refusal with a code.
						expect(response.status).toBeGreaterThanOrEqual(400);
						expect(response.status).toBeLessThan(500);
						expect((response.body as { error?: unknown }).error).toEqual(expect.any(String));
					}
				}),
				{ numRuns: 500 },
			);
			expect(({} as Record<string, unknown>).x).toBeUndefined();
		});
	}
});
