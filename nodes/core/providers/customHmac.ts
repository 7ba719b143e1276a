import {
	createHmacScheme,
	DEFAULT_SECRET_ENCODING,
	DEFAULT_TEMPLATE,
	type HmacSchemeOptions,
	type SignatureScheme,
} from '../schemes';
import { bodyHash, field, jsonObject, text, toIso } from './shared';
import type { InboundRequest, ProviderPreset } from './types';

const NAME = 'customHmac';

/** The signature settings the operator sets; blank text means "not set". */
export type CustomHmacOptions = Pick<
	HmacSchemeOptions,
	'algorithm' | 'signatureHeader' | 'prefix' | 'encoding' | 'template' | 'timestampHeader' | 'idHeader' | 'secretEncoding'
>;

/** What the operator sets for the Custom HMAC preset. */
export interface CustomHmacSettings extends CustomHmacOptions {
	/** Top-level body field with the event name; blank: `event`, then `type`. */
	eventField?: string;
	/** Top-level body field with the event id; blank: `id`. */
	idField?: string;
}

/** The settings both nodes start from. */
export const defaultCustomHmacSettings: Required<CustomHmacSettings> = {
	signatureHeader: 'X-Signature',
	prefix: '',
	algorithm: 'sha256',
	encoding: 'hex',
	template: DEFAULT_TEMPLATE,
	timestampHeader: '',
	idHeader: '',
	secretEncoding: DEFAULT_SECRET_ENCODING,
	eventField: '',
	idField: '',
};

const optionalHeader = (name: string | undefined) => name?.trim() || undefined;

/** Throws when the settings cannot make a scheme (for example `{timestamp}` without its header). */
export function createCustomHmacScheme(options: CustomHmacOptions): SignatureScheme {
	return createHmacScheme({
		name: NAME,
		algorithm: options.algorithm,
		encoding: options.encoding,
		signatureHeader: options.signatureHeader.trim(),
		prefix: options.prefix || undefined,
		template: options.template || undefined,
		timestampHeader: optionalHeader(options.timestampHeader),
		idHeader: optionalHeader(options.idHeader),
		secretEncoding: options.secretEncoding,
	});
}

/**
 * A preset whose scheme is built from the node's parameters. Throws when the
 * settings cannot make a scheme, which the caller reports as a configuration error.
 */
export function createCustomHmacPreset(settings: CustomHmacSettings): ProviderPreset {
	const { eventField, idField, ...schemeOptions } = settings;
	const scheme = createCustomHmacScheme(schemeOptions);
	const idHeader = optionalHeader(schemeOptions.idHeader);
	const eventKeys = eventField ? [eventField] : ['event', 'type'];
	const idKey = idField || 'id';
	const timeKeys = ['timestamp', 'created', 'occurredAt'];

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
		name: NAME,
		displayName: 'Custom HMAC',
		auth: 'signature',
		scheme,
		events: [],
		envelope: jsonObject,
		eventName,
		dedupeKey: eventId,
		dedupeKeyConfigurable: true,
		deliveryIdHeaders: idHeader ? [idHeader.toLowerCase()] : undefined,
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
					occurredAt: toIso(time ?? request.signedTimestamp, request.receivedAtMs),
					data: field(request.envelope, 'data') ?? request.envelope,
				},
			];
		},
		setupHint: 'Custom HMAC: paste this URL into the sender and give it the credential\'s signing secret.',
	};
}

/** In the registry with the default settings; the nodes build theirs from the parameters. */
export const customHmac: ProviderPreset = createCustomHmacPreset(defaultCustomHmacSettings);
