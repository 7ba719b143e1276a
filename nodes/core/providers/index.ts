import type { SignatureScheme } from '../schemes';
import {
	createCustomHmacPreset,
	createCustomHmacScheme,
	customHmac,
	defaultCustomHmacSettings,
	type CustomHmacOptions,
	type CustomHmacSettings,
} from './customHmac';
import { gitHubScheme, github } from './github';
import { leadUpdateCallback } from './leadUpdateCallback';
import { onCallClerk, onCallClerkScheme } from './onCallClerk';
import { outboundIq, outboundIqScheme } from './outboundIq';
import { outCallerAi } from './outCallerAi';
import { pbx, pbxScheme } from './pbx';
import { shopify, shopifyScheme } from './shopify';
import { standardWebhooks } from './standardWebhooks';
import { stripe } from './stripe';
import type { ProviderPreset } from './types';

/** Every preset, the registry both nodes build their options from. */
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

/** The preset for a Provider value in the given registry, undefined when unknown. */
export function findPreset(
	name: string,
	presets: readonly ProviderPreset[] = providerPresets,
): ProviderPreset | undefined {
	return presets.find((preset) => preset.name === name);
}

/** Schemes with fixed settings, by name; the Custom HMAC one is built from parameters. */
export const namedSchemes: Readonly<Record<string, SignatureScheme>> = Object.fromEntries(
	providerPresets
		.filter((preset) => preset.scheme !== undefined && preset.name !== customHmac.name)
		.map((preset) => [preset.name, preset.scheme as SignatureScheme]),
);

const MAX_CUSTOM_CACHE = 64;
const customCache = new Map<string, ProviderPreset>();

/**
 * The preset for a Provider value. Custom HMAC is built from its settings
 * (cached per distinct settings); throws when those settings are unusable.
 */
export function resolvePreset(
	name: string,
	custom?: CustomHmacSettings,
	presets: readonly ProviderPreset[] = providerPresets,
): ProviderPreset | undefined {
	if (name === customHmac.name && custom !== undefined) {
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
	return findPreset(name, presets);
}

export {
	createCustomHmacPreset,
	createCustomHmacScheme,
	customHmac,
	defaultCustomHmacSettings,
	github,
	gitHubScheme,
	leadUpdateCallback,
	onCallClerk,
	onCallClerkScheme,
	outboundIq,
	outboundIqScheme,
	outCallerAi,
	pbx,
	pbxScheme,
	shopify,
	shopifyScheme,
	standardWebhooks,
	stripe,
};
export type { CustomHmacOptions, CustomHmacSettings };
export type { ProviderPreset, InboundEvent, InboundRequest, CatalogueEvent, OutboundEnvelope } from './types';
