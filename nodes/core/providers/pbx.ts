import { z } from 'zod';

import { createHmacScheme } from '../schemes';
import { headerValue } from '../schemes/primitives';
import { field, headerAgrees, text, toIso } from './shared';
import type { InboundRequest, ProviderPreset } from './types';

const envelope = z
	.object({
		event: z.string().min(1),
		timestamp: z.union([z.number(), z.string()]).optional(),
		data: z.unknown(),
	})
	.passthrough();

/**
 * The signature is an HMAC of exactly `timestamp.body`, so it names the delivery as a hash of
 * the body would, without hashing the body a second time.
 */
function dedupeKey(request: InboundRequest): string {
	const timestamp =
		text(field(request.envelope, 'timestamp')) ?? headerValue(request.headers, 'x-webhook-timestamp') ?? '';
	const signature = headerValue(request.headers, 'x-webhook-signature')?.toLowerCase() ?? '';
	return `${text(field(request.envelope, 'event')) ?? ''}|${timestamp}|${signature}`;
}

export const pbxScheme = createHmacScheme({
	name: 'pbx',
	algorithm: 'sha256',
	signatureHeader: 'X-Webhook-Signature',
	timestampHeader: 'X-Webhook-Timestamp',
	template: '{timestamp}.{body}',
	encoding: 'hex',
});

const noun = (entity: string, actions: string[]) =>
	actions.map((action) => ({ name: `${entity}.${action}`, description: `${entity} ${action.replace(/_/g, ' ')}` }));

/** Multi-tenant PBX / CRM Outbound Webhooks: HMAC-SHA256 hex of `<timestamp>.<raw body>`. */
export const pbx: ProviderPreset = {
	name: 'pbx',
	displayName: 'PBX Outbound Webhooks',
	auth: 'signature',
	scheme: pbxScheme,
	events: [
		...noun('contact', ['created', 'updated', 'deleted']),
		...noun('account', ['created', 'updated', 'deleted']),
		...noun('lead', ['created', 'updated', 'deleted', 'converted']),
		...noun('list', ['created', 'updated', 'deleted']),
		...noun('activity', ['created']),
		...noun('deal', ['created', 'updated', 'stage_changed']),
		...noun('task', ['created', 'completed']),
		...noun('campaign', ['created', 'status_changed']),
		...noun('extension', ['created', 'updated', 'deleted']),
		...noun('did', ['created', 'updated', 'deleted']),
		...noun('trunk', ['created', 'updated', 'deleted']),
		...noun('queue', ['created', 'updated', 'deleted']),
		...noun('hunt_group', ['created', 'updated', 'deleted']),
		...noun('ivr', ['created', 'updated', 'deleted']),
		...noun('administrator', ['created', 'updated', 'deleted']),
		...noun('call', ['completed', 'missed']),
		...noun('voicemail', ['received']),
		...noun('whatsapp', ['message_received', 'message_sent']),
		...noun('sms', ['message_received', 'message_sent']),
		{ name: 'webhook.test', description: 'The Test Webhook button; always answered 2xx, emitted only if subscribed' },
	],
	envelope,
	eventName: (request) => text(field(request.envelope, 'event')) ?? '',
	dedupeKey,
	check: (request) =>
		headerAgrees(request.headers, 'x-webhook-event', field(request.envelope, 'event'), 'X-Webhook-Event'),
	toEvents(request) {
		const body = request.envelope;
		return [
			{
				event: text(field(body, 'event')) ?? '',
				id: dedupeKey(request),
				occurredAt: toIso(field(body, 'timestamp') ?? request.signedTimestamp, request.receivedAtMs),
				data: field(body, 'data'),
				fields: { timestamp: field(body, 'timestamp') },
			},
		];
	},
	setupHint:
		'PBX: tenant settings → Integrations → Outbound Webhooks → Add: paste the URL, set the Secret to the credential\'s signing secret, select the events.',
	outbound: {
		label: 'PBX {Event, Timestamp, Data}',
		requiresEvent: true,
		build: ({ event, timestamp, data }) => ({ event, timestamp: Math.floor(timestamp.getTime() / 1000), data }),
		headers: ({ event }) => ({ 'X-Webhook-Event': event }),
	},
};
