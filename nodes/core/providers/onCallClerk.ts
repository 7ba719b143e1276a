import { randomUUID } from 'crypto';

import { z } from 'zod';

import { createHmacScheme } from '../schemes';
import { field, text, toIso } from './shared';
import type { ProviderPreset } from './types';

/** Its document names no encoding, so verify takes hex or base64, with or without `sha256=`. */
export const onCallClerkScheme = createHmacScheme({
	name: 'onCallClerk',
	algorithm: 'sha256',
	signatureHeader: 'X-OnCallClerk-Signature',
	optionalPrefix: 'sha256=',
	encoding: 'hex',
	acceptedEncodings: ['hex', 'base64'],
});

const envelope = z
	.object({
		id: z.string().min(1),
		type: z.string().min(1),
		created: z.union([z.number(), z.string()]).optional(),
		data: z.unknown(),
	})
	.passthrough();

/** OnCallClerk AI receptionist: `{id, type, created, data}`, HMAC-SHA256 of the raw body. */
export const onCallClerk: ProviderPreset = {
	name: 'onCallClerk',
	displayName: 'OnCallClerk',
	auth: 'signature',
	scheme: onCallClerkScheme,
	events: [
		{ name: 'call.started', description: 'The agent picks up' },
		{ name: 'call.completed', description: 'The call ends: transcript, recording, summary' },
		{ name: 'lead.captured', description: 'The agent extracts a structured lead' },
		{ name: 'booking.created', description: 'An appointment is booked' },
		{ name: 'transfer.requested', description: 'The agent hands the call to a human' },
		{ name: 'voicemail.left', description: 'A caller leaves a voicemail' },
	],
	envelope,
	eventName: (request) => text(field(request.envelope, 'type')) ?? '',
	dedupeKey: (request) => text(field(request.envelope, 'id')) ?? '',
	toEvents(request) {
		const body = request.envelope;
		return [
			{
				event: text(field(body, 'type')) ?? '',
				id: text(field(body, 'id')) ?? '',
				occurredAt: toIso(field(body, 'created'), request.receivedAtMs),
				data: field(body, 'data'),
				fields: { created: field(body, 'created') },
			},
		];
	},
	setupHint:
		'OnCallClerk: Integrations → Webhooks → add the URL, pick the events, and copy the webhook secret into the credential.',
	outbound: {
		label: 'OnCallClerk {ID, Type, Created, Data}',
		requiresEvent: true,
		newDeliveryId: () => `evt_${randomUUID().replace(/-/g, '')}`,
		build: ({ event, id, timestamp, data }) => ({
			id,
			type: event,
			created: Math.floor(timestamp.getTime() / 1000),
			data,
		}),
	},
};
