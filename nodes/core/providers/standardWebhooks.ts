import { z } from 'zod';

import { standardWebhooksScheme } from '../schemes';
import { firstHeaderValue } from '../schemes/primitives';
import { STANDARD_ID_HEADERS } from '../schemes/standardWebhooks';
import { bodyHash, field, text, toIso } from './shared';
import type { InboundRequest, ProviderPreset } from './types';

const envelope = z
	.object({
		type: z.string().min(1),
		timestamp: z.union([z.string(), z.number()]).optional(),
		data: z.unknown(),
	})
	.passthrough();

function messageId(request: InboundRequest): string {
	return request.signedId ?? firstHeaderValue(request.headers, STANDARD_ID_HEADERS) ?? bodyHash(request.body);
}

/** Standard Webhooks (Svix and compatible): `{type, timestamp, data}` keyed by `webhook-id`. */
export const standardWebhooks: ProviderPreset = {
	name: 'standardWebhooks',
	displayName: 'Standard Webhooks (Svix)',
	auth: 'signature',
	scheme: standardWebhooksScheme,
	events: [],
	envelope,
	eventName: (request) => text(field(request.envelope, 'type')) ?? '',
	dedupeKey: messageId,
	dedupeKeyConfigurable: true,
	deliveryIdHeaders: STANDARD_ID_HEADERS,
	generatedSecret: 'whsec',
	toEvents(request) {
		const body = request.envelope;
		return [
			{
				event: text(field(body, 'type')) ?? '',
				id: messageId(request),
				occurredAt: toIso(field(body, 'timestamp') ?? request.signedTimestamp, request.receivedAtMs),
				data: field(body, 'data'),
				fields: { timestamp: field(body, 'timestamp') },
			},
		];
	},
	setupHint:
		'Standard Webhooks / Svix: add an endpoint with this URL in the sender\'s dashboard and copy its whsec_… signing secret into the credential.',
	outbound: {
		label: 'Standard Webhooks {Type, Timestamp, Data}',
		requiresEvent: true,
		build: ({ event, timestamp, data }) => ({ type: event, timestamp: timestamp.toISOString(), data }),
	},
};
