import { createHmacScheme } from '../schemes';
import { headerValue } from '../schemes/primitives';
import { bodyHash, jsonObject, toIso } from './shared';
import type { InboundRequest, ProviderPreset } from './types';

function eventName(request: InboundRequest): string {
	return headerValue(request.headers, 'x-shopify-topic') ?? '';
}

function eventId(request: InboundRequest): string {
	return (
		headerValue(request.headers, 'x-shopify-event-id') ??
		headerValue(request.headers, 'x-shopify-webhook-id') ??
		bodyHash(request.body)
	);
}

function deliveryKey(request: InboundRequest): string {
	return headerValue(request.headers, 'x-shopify-webhook-id') ?? eventId(request);
}

export const shopifyScheme = createHmacScheme({
	name: 'shopify',
	algorithm: 'sha256',
	signatureHeader: 'X-Shopify-Hmac-SHA256',
	encoding: 'base64',
});

/** Shopify-style: base64 HMAC in `X-Shopify-Hmac-SHA256`, topic in `X-Shopify-Topic`. */
export const shopify: ProviderPreset = {
	name: 'shopify',
	displayName: 'Shopify-Style',
	auth: 'signature',
	scheme: shopifyScheme,
	events: [
		{ name: 'app/uninstalled', description: 'The app was uninstalled' },
		{ name: 'customers/create', description: 'A customer was created' },
		{ name: 'customers/update', description: 'A customer changed' },
		{ name: 'orders/cancelled', description: 'An order was cancelled' },
		{ name: 'orders/create', description: 'An order was created' },
		{ name: 'orders/paid', description: 'An order was paid' },
		{ name: 'orders/updated', description: 'An order changed' },
		{ name: 'products/create', description: 'A product was created' },
		{ name: 'products/update', description: 'A product changed' },
	],
	envelope: jsonObject,
	eventName,
	dedupeKey: deliveryKey,
	dedupeKeyConfigurable: true,
	deliveryIdHeaders: ['x-shopify-webhook-id', 'x-shopify-event-id'],
	check(request) {
		if (eventName(request) === '') {
			return { error: 'missing_header', message: 'The X-Shopify-Topic header is missing' };
		}
		return undefined;
	},
	toEvents(request) {
		const fields: Record<string, unknown> = {};
		const shop = headerValue(request.headers, 'x-shopify-shop-domain');
		if (shop !== undefined) fields.shopDomain = shop;
		const apiVersion = headerValue(request.headers, 'x-shopify-api-version');
		if (apiVersion !== undefined) fields.apiVersion = apiVersion;
		return [
			{
				event: eventName(request),
				id: eventId(request),
				occurredAt: toIso(headerValue(request.headers, 'x-shopify-triggered-at'), request.receivedAtMs),
				data: request.envelope,
				fields,
			},
		];
	},
	setupHint: 'Shopify-style sender: Settings → Notifications → Webhooks (or the app\'s webhook subscription): this URL, JSON format; the app secret goes in the credential.',
};
