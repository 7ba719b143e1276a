import type { INodePropertyOptions } from 'n8n-workflow';

import { itemAsIs, NO_SCHEME_LABEL, NONE } from '../core/outbound';
import { providerPresets, type ProviderPreset } from '../core/providers';

/** n8n lists options alphabetically by what the user reads. */
function alphabetical(options: INodePropertyOptions[]): INodePropertyOptions[] {
	return options.sort((a, b) => a.name.localeCompare(b.name));
}

/** The trigger's Provider options: every preset. */
export function providerOptions(presets: readonly ProviderPreset[] = providerPresets): INodePropertyOptions[] {
	return alphabetical(presets.map((preset) => ({ name: preset.displayName, value: preset.name })));
}

/** The sender's Signature Scheme options: every preset with a scheme, and none. */
export function signatureSchemeOptions(presets: readonly ProviderPreset[] = providerPresets): INodePropertyOptions[] {
	return alphabetical([
		{ name: NO_SCHEME_LABEL, value: NONE },
		...presets
			.filter((preset) => preset.scheme !== undefined)
			.map((preset) => ({ name: preset.schemeLabel ?? preset.displayName, value: preset.name })),
	]);
}

/** The sender's Envelope options: the item as is, and every preset with an outbound shape. */
export function envelopeOptions(presets: readonly ProviderPreset[] = providerPresets): INodePropertyOptions[] {
	return alphabetical([
		{ name: itemAsIs.label, value: NONE },
		...presets.flatMap((preset) => (preset.outbound ? [{ name: preset.outbound.label, value: preset.name }] : [])),
	]);
}
