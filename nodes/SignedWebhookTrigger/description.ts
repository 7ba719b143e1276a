import type { INodeProperties } from 'n8n-workflow';

import { DEFAULT_DEDUPE_MAX_KEYS, DEFAULT_DEDUPE_WINDOW_SECONDS } from '../core/dedupe';
import { providerPresets } from '../core/providers';
import type { ProviderPreset } from '../core/providers/types';
import { DEFAULT_MAX_BODY_BYTES } from '../core/receive';
import { DEFAULT_BODY_TEMPLATE } from '../core/registration';
import { DEFAULT_TOLERANCE_SECONDS } from '../core/schemes/primitives';
import { customHmacTriggerProperties } from '../shared/customHmacParameters';
import { providerOptions } from '../shared/providerOptions';

/** The credential type the trigger reads and authenticates provider API calls with. */
export const CREDENTIAL = 'signedWebhookApi';

const configurableKeyPresets = providerPresets
	.filter((preset) => preset.dedupeKeyConfigurable)
	.map((preset) => preset.name);

function eventsParameter(preset: ProviderPreset): INodeProperties {
	const catalogue = [...preset.events]
		.sort((a, b) => a.name.localeCompare(b.name))
		.map((event) => ({ name: event.name, value: event.name, description: event.description }));
	return {
		displayName: 'Events',
		name: 'events',
		type: 'multiOptions',
		displayOptions: { show: { provider: [preset.name] } },
		options: [{ name: 'All Events (*)', value: '*', description: 'Every event the sender delivers' }, ...catalogue],
		default: ['*'],
		description:
			'Events that start the workflow. Others are answered 200 and start nothing. Add names or wildcards below.',
	};
}

function setupNotice(preset: ProviderPreset): INodeProperties {
	return {
		displayName: `Where to paste the URL: ${preset.setupHint}`,
		name: 'setupNotice',
		type: 'notice',
		displayOptions: { show: { provider: [preset.name], registration: ['manual'] } },
		default: '',
	};
}

const registrationProperties: INodeProperties[] = [
	{
		displayName: 'Create URL',
		name: 'createUrl',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'https://api.example.com/v1/webhooks',
		description: 'Endpoint that creates the webhook subscription on activation',
	},
	{
		displayName: 'Create Method',
		name: 'createMethod',
		type: 'options',
		options: [
			{ name: 'POST', value: 'POST' },
			{ name: 'PUT', value: 'PUT' },
		],
		default: 'POST',
	},
	{
		displayName: 'Create Body',
		name: 'createBody',
		type: 'json',
		default: DEFAULT_BODY_TEMPLATE,
		description:
			'JSON sent to the create URL. %WEBHOOK_URL%, %SECRET% (a generated secret) and %EVENTS% are replaced; a value that is exactly "%EVENTS%" becomes the list of events.',
	},
	{
		displayName: 'Subscription URL',
		name: 'subscriptionUrl',
		type: 'string',
		default: '',
		placeholder: 'https://api.example.com/v1/webhooks/%ID%',
		description:
			'URL of one subscription, with %ID% for its ID, used to check and delete it. Empty: the create URL + /ID.',
	},
	{
		displayName: 'ID Path',
		name: 'idPath',
		type: 'string',
		default: 'id',
		description: 'Dot path to the subscription ID in the create response',
	},
	{
		displayName: 'Secret Path',
		name: 'keyPath',
		type: 'string',
		default: 'secret',
		description:
			'Dot path to a signing secret in the create response. When the provider returns one, it is used instead of the generated secret.',
	},
	{
		displayName: 'URL Path',
		name: 'urlPath',
		type: 'string',
		default: 'url',
		description: 'Dot path to the webhook URL in the subscription, to confirm that it still points here',
	},
	{
		displayName: 'Replace Existing Subscriptions',
		name: 'replaceExisting',
		type: 'boolean',
		default: true,
		description:
			'Whether to list the subscriptions at the create URL (GET) before creating, and delete any that already point at this webhook URL, so that a lost static state never leaves a duplicate behind',
	},
	{
		displayName: 'Provider API Authentication',
		name: 'registrationAuth',
		type: 'options',
		options: [
			{
				name: 'Credential Auth Header',
				value: 'credential',
				description: "Send the credential's bearer or custom header to the provider API",
			},
			{ name: 'None', value: 'none' },
		],
		default: 'credential',
	},
].map((property) => ({
	...property,
	displayOptions: { show: { registration: ['api'] } },
})) as INodeProperties[];

/** The trigger's parameters; the provider options and events come from the registry. */
export const triggerProperties: INodeProperties[] = [
	{
		displayName: 'Provider',
		name: 'provider',
		type: 'options',
		noDataExpression: true,
		options: providerOptions(),
		default: 'outCallerAi',
		description: 'The platform that sends the webhooks: how they are signed, shaped and split',
	},
	{
		displayName: 'Registration',
		name: 'registration',
		type: 'options',
		noDataExpression: true,
		options: [
			{
				name: 'Manual',
				value: 'manual',
				description: "Paste the URL into the platform's dashboard yourself",
			},
			{
				name: 'Via Provider API',
				value: 'api',
				description: 'Create the subscription through an API on activation and delete it on deactivation',
			},
		],
		default: 'manual',
	},
	...providerPresets.map(setupNotice),
	...registrationProperties,
	...providerPresets.map(eventsParameter),
	{
		displayName: 'Custom Events',
		name: 'customEvents',
		type: 'string',
		default: '',
		placeholder: 'lead.*, call.completed',
		description: 'More event names or wildcards, separated by commas, e.g. lead.* or *',
	},
	...customHmacTriggerProperties({ provider: ['customHmac'] }),
	{
		displayName: 'Dedupe Key',
		name: 'dedupeKey',
		type: 'string',
		default: '',
		placeholder: '={{ $json.body.uuid }}',
		displayOptions: { show: { provider: configurableKeyPresets } },
		description:
			"Expression for a delivery's identity, evaluated over the request body and headers. Empty: the provider's own key, else a hash of the body.",
	},
	{
		displayName: 'Rejected Output',
		name: 'rejectedOutput',
		type: 'boolean',
		default: false,
		description:
			'Whether to add a second output that emits one item per rejected delivery (reason, provider, delivery ID, source IP; never the body). Each rejection then starts an execution.',
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			{
				displayName: 'Dedupe Max Keys',
				name: 'dedupeMaxKeys',
				type: 'number',
				typeOptions: { minValue: 1 },
				default: DEFAULT_DEDUPE_MAX_KEYS,
				description: 'Most delivery keys remembered by this node in memory; the oldest go first',
			},
			{
				displayName: 'Dedupe Window (Seconds)',
				name: 'dedupeWindowSeconds',
				type: 'number',
				typeOptions: { minValue: 0 },
				default: DEFAULT_DEDUPE_WINDOW_SECONDS,
				description: 'How long a delivery key is remembered. 0 turns deduplication off.',
			},
			{
				displayName: 'Include Headers',
				name: 'includeHeaders',
				type: 'boolean',
				default: false,
				description: 'Whether to add the request headers to each item (auth header values redacted)',
			},
			{
				displayName: 'Include Raw Body',
				name: 'includeRawBody',
				type: 'boolean',
				default: false,
				description: 'Whether to attach the exact body received as binary data',
			},
			{
				displayName: 'IP Allowlist',
				name: 'ipAllowlist',
				type: 'string',
				default: '',
				placeholder: '203.0.113.0/24, 2001:db8::/32',
				description:
					"Addresses or CIDR ranges (IPv4 and IPv6) allowed to deliver, separated by commas. Uses the client address as n8n's trusted proxies report it. Empty: any.",
			},
			{
				displayName: 'Max Body Size (Bytes)',
				name: 'maxBodyBytes',
				type: 'number',
				typeOptions: { minValue: 1 },
				default: DEFAULT_MAX_BODY_BYTES,
				description: 'Larger bodies are answered 413',
			},
			{
				displayName: 'Raw Body Property',
				name: 'binaryPropertyName',
				type: 'string',
				default: 'data',
				description: 'Binary property the raw body is written to',
			},
			{
				displayName: 'Timestamp Tolerance (Seconds)',
				name: 'toleranceSeconds',
				type: 'number',
				typeOptions: { minValue: 0 },
				default: DEFAULT_TOLERANCE_SECONDS,
				description:
					'For signed timestamps: how far from now, either way, a delivery may be. 0 turns the check off.',
			},
		],
	},
];

/** The node's subtitle: the chosen provider's display name, from the registry. */
export const providerSubtitle = `={{ (${JSON.stringify(Object.fromEntries(providerPresets.map((preset) => [preset.name, preset.displayName])))})[$parameter["provider"]] ?? $parameter["provider"] }}`;
