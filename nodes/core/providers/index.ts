import { createCustomHmacPreset, customHmac, type CustomHmacSettings } from './customHmac';
import { github } from './github';
import { leadUpdateCallback } from './leadUpdateCallback';
import { onCallClerk } from './onCallClerk';
import { outboundIq } from './outboundIq';
import { outCallerAi } from './outCallerAi';
import { pbx } from './pbx';
import { shopify } from './shopify';
import { standardWebhooks } from './standardWebhooks';
import { stripe } from './stripe';
import type { ProviderPreset } from './types';

/** Every preset, in the order the Provider parameter lists them. */
export const providerPresets: readonly ProviderPreset[] = [
	outCallerAi,
	onCallClerk,
	leadUpdateCallback,
	outboundIq,
	pbx,
	standardWebhooks,
	stripe,
	github,
	shopify,
	customHmac,
];

const byName = new Map(providerPresets.map((preset) => [preset.name, preset]));

const MAX_CUSTOM_CACHE = 64;
const customCache = new Map<string, ProviderPreset>();

/**
 * The preset for a Provider value. Custom HMAC is built from its settings
 * (cached per distinct settings); throws when those settings are unusable.
 */
export function resolvePreset(name: string, custom?: CustomHmacSettings): ProviderPreset | undefined {
	if (name === 'customHmac' && custom !== undefined) {
		const key = JSON.stringify(custom);
		let preset = customCache.get(key);
		if (preset === undefined) {
			preset = createCustomHmacPreset(custom);
			if (customCache.size >= MAX_CUSTOM_CACHE) {
				const oldest = customCache.keys().next().value;
				if (oldest !== undefined) customCache.delete(oldest);
			}
			customCache.set(key, preset);
		}
		return preset;
	}
	return byName.get(name);
}

export {
	createCustomHmacPreset,
	customHmac,
	github,
	leadUpdateCallback,
	onCallClerk,
	outboundIq,
	outCallerAi,
	pbx,
	shopify,
	standardWebhooks,
	stripe,
};
export type { CustomHmacSettings };
export type { ProviderPreset, InboundEvent, InboundRequest, CatalogueEvent } from './types';
