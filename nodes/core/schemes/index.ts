import { createHmacScheme, type HmacSchemeOptions } from './hmacScheme';
import { standardWebhooksScheme } from './standardWebhooks';
import { stripeScheme } from './stripe';
import type { SignatureScheme } from './types';

export const gitHubScheme = createHmacScheme({
	name: 'github',
	displayName: 'GitHub-Style',
	algorithm: 'sha256',
	signatureHeader: 'X-Hub-Signature-256',
	prefix: 'sha256=',
	encoding: 'hex',
});

export const shopifyScheme = createHmacScheme({
	name: 'shopify',
	displayName: 'Shopify-Style',
	algorithm: 'sha256',
	signatureHeader: 'X-Shopify-Hmac-SHA256',
	encoding: 'base64',
});

export const outboundIqScheme = createHmacScheme({
	name: 'outboundIq',
	displayName: 'outboundIQ',
	algorithm: 'sha256',
	signatureHeader: 'X-OutboundIQ-Signature',
	prefix: 'sha256=',
	encoding: 'hex',
});

/** Its document names no encoding, so verify takes hex or base64, with or without `sha256=`. */
export const onCallClerkScheme = createHmacScheme({
	name: 'onCallClerk',
	displayName: 'OnCallClerk',
	algorithm: 'sha256',
	signatureHeader: 'X-OnCallClerk-Signature',
	optionalPrefix: 'sha256=',
	encoding: 'hex',
	acceptedEncodings: ['hex', 'base64'],
});

export const pbxScheme = createHmacScheme({
	name: 'pbx',
	displayName: 'PBX Outbound Webhooks',
	algorithm: 'sha256',
	signatureHeader: 'X-Webhook-Signature',
	timestampHeader: 'X-Webhook-Timestamp',
	template: '{timestamp}.{body}',
	encoding: 'hex',
});

export type CustomHmacOptions = Omit<HmacSchemeOptions, 'name' | 'displayName'>;

export function createCustomHmacScheme(options: CustomHmacOptions): SignatureScheme {
	return createHmacScheme({ ...options, name: 'customHmac', displayName: 'Custom HMAC' });
}

export { standardWebhooksScheme, stripeScheme };

/** Schemes with fixed settings, by name; the custom one is built from parameters. */
export const namedSchemes: Readonly<Record<string, SignatureScheme>> = {
	standardWebhooks: standardWebhooksScheme,
	stripe: stripeScheme,
	github: gitHubScheme,
	shopify: shopifyScheme,
	outboundIq: outboundIqScheme,
	onCallClerk: onCallClerkScheme,
	pbx: pbxScheme,
};

export type { SignatureScheme, SignInput, VerifyInput, VerificationResult } from './types';
