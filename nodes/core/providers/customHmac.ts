import { createCustomHmacScheme, type CustomHmacOptions } from '../schemes';
import { bodyHash, field, jsonObject, text, toIso } from './shared';
import type { InboundRequest, ProviderPreset } from './types';

/** What the operator sets for the Custom HMAC preset. */
export interface CustomHmacSettings extends CustomHmacOptions {
	/** Top-level body field with the event name; default `event`, then `type`. */
	eventField?: string;
	/** Top-level body field with the event id; default `id`. */
	idField?: string;
	/** Top-level body field with the event time; default `timestamp`, then `created`. */
	timeField?: string;
}

export const defaultCustomHmacSettings: CustomHmacSettings = {
	algorithm: 'sha256',
	signatureHeader: 'X-Signature',
	encoding: 'hex',
	template: '{body}',
};

/**
 * A preset whose scheme is built from the node's parameters. Throws when the
 * settings cannot make a scheme (for example `{timestamp}` without its header),
 * which the caller reports as a configuration error.
 */
export function createCustomHmacPreset(settings: CustomHmacSettings): ProviderPreset {
	const { eventField, idField, timeField, ...schemeOptions } = settings;
	const scheme = createCustomHmacScheme({
		...schemeOptions,
		prefix: schemeOptions.prefix || undefined,
		timestampHeader: schemeOptions.timestampHeader || undefined,
		idHeader: schemeOptions.idHeader || undefined,
		template: schemeOptions.template || '{body}',
	});
	const eventKeys = eventField ? [eventField] : ['event', 'type'];
	const idKey = idField || 'id';
	const timeKeys = timeField ? [timeField] : ['timestamp', 'created', 'occurredAt'];

	const eventName = (request: InboundRequest): string => {
		for (const key of eventKeys) {
			const value = text(field(request.envelope, key));
			if (value !== undefined) return value;
		}
		return 'webhook';
	};
	const eventId = (request: InboundRequest): string =>
		request.signedId ?? text(field(request.envelope, idKey)) ?? bodyHash(request.body);

	return {
		name: 'customHmac',
		displayName: 'Custom HMAC',
		auth: 'signature',
		scheme,
		events: [],
		envelope: jsonObject,
		eventName,
		dedupeKey: eventId,
		dedupeKeyConfigurable: true,
		deliveryIdHeaders: schemeOptions.idHeader ? [schemeOptions.idHeader.toLowerCase()] : undefined,
		toEvents(request) {
			let time: unknown;
			for (const key of timeKeys) {
				time = field(request.envelope, key);
				if (time !== undefined) break;
			}
			return [
				{
					event: eventName(request),
					id: eventId(request),
					occurredAt: toIso(time ?? request.signedTimestamp, request.receivedAt),
					data: field(request.envelope, 'data') ?? request.envelope,
				},
			];
		},
		setupHint: 'Custom HMAC: paste this URL into the sender and give it the credential\'s signing secret.',
	};
}

export const customHmac: ProviderPreset = createCustomHmacPreset(defaultCustomHmacSettings);
