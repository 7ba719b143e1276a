import { z } from 'zod';

import { stripeScheme } from '../schemes';
import { field, text, toIso } from './shared';
import type { ProviderPreset } from './types';

const envelope = z
	.object({
		id: z.string().min(1),
		type: z.string().min(1),
		created: z.number().optional(),
		data: z.unknown(),
	})
	.passthrough();

/** Stripe-style events: `{id, type, created, data}` under `Stripe-Signature`. */
export const stripe: ProviderPreset = {
	name: 'stripe',
	displayName: 'Stripe-Style',
	auth: 'signature',
	scheme: stripeScheme,
	events: [
		{ name: 'charge.succeeded', description: 'A charge succeeded' },
		{ name: 'charge.failed', description: 'A charge failed' },
		{ name: 'charge.refunded', description: 'A charge was refunded' },
		{ name: 'checkout.session.completed', description: 'A Checkout session completed' },
		{ name: 'customer.created', description: 'A customer was created' },
		{ name: 'customer.subscription.created', description: 'A subscription was created' },
		{ name: 'customer.subscription.deleted', description: 'A subscription ended' },
		{ name: 'customer.subscription.updated', description: 'A subscription changed' },
		{ name: 'invoice.paid', description: 'An invoice was paid' },
		{ name: 'invoice.payment_failed', description: 'An invoice payment failed' },
		{ name: 'payment_intent.payment_failed', description: 'A payment intent failed' },
		{ name: 'payment_intent.succeeded', description: 'A payment intent succeeded' },
	],
	envelope,
	eventName: (request) => text(field(request.envelope, 'type')) ?? '',
	dedupeKey: (request) => text(field(request.envelope, 'id')) ?? '',
	dedupeKeyConfigurable: true,
	toEvents(request) {
		const body = request.envelope;
		const fields: Record<string, unknown> = {};
		for (const key of ['livemode', 'api_version', 'account']) {
			if (field(body, key) !== undefined) fields[key] = field(body, key);
		}
		return [
			{
				event: text(field(body, 'type')) ?? '',
				id: text(field(body, 'id')) ?? '',
				occurredAt: toIso(field(body, 'created') ?? request.signedTimestamp, request.receivedAtMs),
				data: field(body, 'data'),
				fields,
			},
		];
	},
	setupHint:
		'Stripe-style sender: add a webhook endpoint with this URL and copy its signing secret (whsec_…, used as text) into the credential.',
};
