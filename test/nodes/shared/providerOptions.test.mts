import { describe, expect, it } from 'vitest';

import { SignedWebhook } from '../../../nodes/SignedWebhook/SignedWebhook.node';
import { envelopeOptions, providerOptions, signatureSchemeOptions } from '../../../nodes/shared/providerOptions';
import { SignedWebhookTrigger } from '../../../nodes/SignedWebhookTrigger/SignedWebhookTrigger.node';

const optionsOf = (properties: SignedWebhook['description']['properties'], name: string) =>
	properties.find((property) => property.name === name)?.options;

describe('options built from the provider registry', () => {
	it("the trigger's Provider: every preset, by label", () => {
		expect(providerOptions()).toEqual([
			{ name: 'Custom HMAC', value: 'customHmac' },
			{ name: 'GitHub-Style', value: 'github' },
			{ name: 'Lead Update Callback', value: 'leadUpdateCallback' },
			{ name: 'OnCallClerk', value: 'onCallClerk' },
			{ name: 'outboundIQ', value: 'outboundIq' },
			{ name: 'OutCallerAI', value: 'outCallerAi' },
			{ name: 'PBX Outbound Webhooks', value: 'pbx' },
			{ name: 'Shopify-Style', value: 'shopify' },
			{ name: 'Standard Webhooks (Svix)', value: 'standardWebhooks' },
			{ name: 'Stripe-Style', value: 'stripe' },
		]);
		expect(optionsOf(new SignedWebhookTrigger().description.properties, 'provider')).toEqual(providerOptions());
	});

	it("the sender's Signature Scheme: every preset with a scheme, and none", () => {
		expect(signatureSchemeOptions()).toEqual([
			{ name: 'Custom HMAC', value: 'customHmac' },
			{ name: 'GitHub-Style (X-Hub-Signature-256)', value: 'github' },
			{ name: 'None (Auth Header Only)', value: 'none' },
			{ name: 'OnCallClerk', value: 'onCallClerk' },
			{ name: 'outboundIQ', value: 'outboundIq' },
			{ name: 'PBX Outbound Webhooks', value: 'pbx' },
			{ name: 'Shopify-Style', value: 'shopify' },
			{ name: 'Standard Webhooks (Svix)', value: 'standardWebhooks' },
			{ name: 'Stripe-Style', value: 'stripe' },
		]);
		expect(optionsOf(new SignedWebhook().description.properties, 'signatureScheme')).toEqual(signatureSchemeOptions());
	});

	it("the sender's Envelope: the item as is, and every preset with an outbound shape", () => {
		expect(envelopeOptions()).toEqual([
			{ name: 'Item as Is', value: 'none' },
			{ name: 'OnCallClerk {ID, Type, Created, Data}', value: 'onCallClerk' },
			{ name: 'outboundIQ {Event: Dial.batch, Dials}', value: 'outboundIq' },
			{ name: 'OutCallerAI {Event, Resource, Action, …}', value: 'outCallerAi' },
			{ name: 'PBX {Event, Timestamp, Data}', value: 'pbx' },
			{ name: 'Standard Webhooks {Type, Timestamp, Data}', value: 'standardWebhooks' },
		]);
		expect(optionsOf(new SignedWebhook().description.properties, 'envelope')).toEqual(envelopeOptions());
	});
});
