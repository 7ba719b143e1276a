import { z } from 'zod';

import { customCheck } from '../envelopeCheck';
import { randomUUID } from 'crypto';

import { createHmacScheme } from '../schemes';
import { headerValue } from '../schemes/primitives';
import { field, headerAgrees, isRecord, text, toIso } from './shared';
import type { InboundEvent, InboundRequest, ProviderPreset } from './types';

export const outboundIqScheme = createHmacScheme({
	name: 'outboundIq',
	algorithm: 'sha256',
	signatureHeader: 'X-OutboundIQ-Signature',
	prefix: 'sha256=',
	encoding: 'hex',
});

/** The one event outboundIQ sends. */
const DIAL_BATCH = 'dial.batch';

/** Each dial is only checked to be an object: a 100-dial batch stays cheap. */
const dial = customCheck<Record<string, unknown>>(isRecord, 'Each dial must be a JSON object');

const envelope = z
	.object({
		event: z.string().min(1),
		deliveryId: z.string().min(1),
		deliveredAt: z.string().optional(),
		dials: z.array(dial).min(1).max(100),
	})
	.passthrough();

function deliveryId(request: InboundRequest): string {
	return headerValue(request.headers, 'x-outboundiq-delivery-id') ?? text(field(request.envelope, 'deliveryId')) ?? '';
}

/** outboundIQ dial analytics: `dial.batch` of 1..100 dials, one item per dial. */
export const outboundIq: ProviderPreset = {
	name: 'outboundIq',
	displayName: 'outboundIQ',
	auth: 'signature',
	scheme: outboundIqScheme,
	events: [{ name: DIAL_BATCH, description: '1..100 cleaned dials, one item each' }],
	envelope,
	eventName: (request) => text(field(request.envelope, 'event')) ?? '',
	dedupeKey: deliveryId,
	deliveryIdHeaders: ['x-outboundiq-delivery-id'],
	check(request) {
		return (
			headerAgrees(request.headers, 'x-outboundiq-event', field(request.envelope, 'event'), 'X-OutboundIQ-Event') ??
			headerAgrees(
				request.headers,
				'x-outboundiq-delivery-id',
				field(request.envelope, 'deliveryId'),
				'X-OutboundIQ-Delivery-Id',
			)
		);
	},
	toEvents(request) {
		const body = request.envelope;
		const id = deliveryId(request);
		const deliveredAt = field(body, 'deliveredAt');
		const event = text(field(body, 'event')) ?? '';
		const dials = field(body, 'dials') as unknown[];
		const batchSize = dials.length;
		const events: InboundEvent[] = new Array(batchSize);
		for (let dialIndex = 0; dialIndex < batchSize; dialIndex++) {
			const one = dials[dialIndex];
			events[dialIndex] = {
				event,
				id: `${id}#${dialIndex}`,
				dedupeKey: `${id}#${dialIndex}`,
				occurredAt: toIso(field(one, 'timestamp') ?? deliveredAt, request.receivedAtMs),
				data: one,
				fields: { deliveryId: id, deliveredAt, dialIndex, batchSize },
			};
		}
		return events;
	},
	setupHint:
		'outboundIQ: Settings → Webhooks → add a webhook with this URL; copy the signing secret shown once into the credential.',
	outbound: {
		label: 'outboundIQ {Event: Dial.batch, Dials}',
		requiresEvent: false,
		defaultEvent: DIAL_BATCH,
		newDeliveryId: randomUUID,
		batchKey: 'dials',
		build: ({ event, id, timestamp, data, items }) => ({
			event: event || DIAL_BATCH,
			deliveryId: id,
			deliveredAt: timestamp.toISOString(),
			dials: items ?? [data],
		}),
		headers: ({ event, id }) => ({ 'X-OutboundIQ-Event': event || DIAL_BATCH, 'X-OutboundIQ-Delivery-Id': id }),
	},
};
