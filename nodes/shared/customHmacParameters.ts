import type { IDisplayOptions, INodeProperties } from 'n8n-workflow';

import { defaultCustomHmacSettings, type CustomHmacOptions, type CustomHmacSettings } from '../core/providers';

/** Reads a node parameter by name, with a fallback. */
export type ParameterReader = (name: string, fallback?: unknown) => unknown;

/** The core's default for a setting: the property shows it and the reader falls back to it. */
const defaultFor = (setting: keyof CustomHmacSettings): string => defaultCustomHmacSettings[setting];

interface CustomHmacParameter {
	/** The setting it fills. */
	setting: keyof CustomHmacSettings;
	property: Omit<INodeProperties, 'displayOptions'>;
	/** Where the trigger finds the event name and id in the body; the sender has no use for it. */
	triggerOnly?: boolean;
}

/** Every Custom HMAC parameter either node shows, in display order. */
const PARAMETERS: readonly CustomHmacParameter[] = [
	{
		setting: 'signatureHeader',
		property: {
			displayName: 'Signature Header',
			name: 'customSignatureHeader',
			default: defaultFor('signatureHeader'),
			type: 'string',
			required: true,
			description: 'Header that carries the signature',
		},
	},
	{
		setting: 'prefix',
		property: {
			displayName: 'Signature Prefix',
			name: 'customPrefix',
			default: defaultFor('prefix'),
			type: 'string',
			placeholder: 'sha256=',
			description: 'Text before the digest in the header, if any',
		},
	},
	{
		setting: 'algorithm',
		property: {
			displayName: 'Algorithm',
			name: 'customAlgorithm',
			default: defaultFor('algorithm'),
			type: 'options',
			options: [
				{ name: 'SHA-1', value: 'sha1' },
				{ name: 'SHA-256', value: 'sha256' },
				{ name: 'SHA-512', value: 'sha512' },
			],
		},
	},
	{
		setting: 'encoding',
		property: {
			displayName: 'Signature Encoding',
			name: 'customEncoding',
			default: defaultFor('encoding'),
			type: 'options',
			options: [
				{ name: 'Base64', value: 'base64' },
				{ name: 'Hex', value: 'hex' },
			],
		},
	},
	{
		setting: 'template',
		property: {
			displayName: 'Signed Content',
			name: 'customTemplate',
			default: defaultFor('template'),
			type: 'string',
			description: 'What is signed, over {body}, {timestamp} and {ID}. For example {timestamp}.{body}.',
		},
	},
	{
		setting: 'timestampHeader',
		property: {
			displayName: 'Timestamp Header',
			name: 'customTimestampHeader',
			default: defaultFor('timestampHeader'),
			type: 'string',
			placeholder: 'X-Timestamp',
			description: 'Header with the Unix timestamp, required when the signed content uses {timestamp}',
		},
	},
	{
		setting: 'idHeader',
		property: {
			displayName: 'ID Header',
			name: 'customIdHeader',
			default: defaultFor('idHeader'),
			type: 'string',
			placeholder: 'X-Webhook-ID',
			description: 'Header with the message ID, required when the signed content uses {ID}',
		},
	},
	{
		setting: 'secretEncoding',
		property: {
			displayName: 'Secret Encoding',
			name: 'customSecretEncoding',
			default: defaultFor('secretEncoding'),
			type: 'options',
			options: [
				{ name: 'Base64', value: 'base64' },
				{ name: 'Hex', value: 'hex' },
				{ name: 'Text (UTF-8)', value: 'utf8' },
			],
			description: 'How the signing secret is turned into the HMAC key',
		},
	},
	{
		setting: 'eventField',
		triggerOnly: true,
		property: {
			displayName: 'Event Field',
			name: 'customEventField',
			default: defaultFor('eventField'),
			type: 'string',
			placeholder: 'event',
			description: 'Top-level body field with the event name. Empty: event, then type.',
		},
	},
	{
		setting: 'idField',
		triggerOnly: true,
		property: {
			displayName: 'ID Field',
			name: 'customIdField',
			default: defaultFor('idField'),
			type: 'string',
			placeholder: 'ID',
			description: 'Top-level body field with the event ID. Empty: ID.',
		},
	},
];

const SCHEME_PARAMETERS = PARAMETERS.filter((parameter) => !parameter.triggerOnly);

function properties(parameters: readonly CustomHmacParameter[], show: IDisplayOptions['show']): INodeProperties[] {
	return parameters.map(({ property }) => ({ ...property, displayOptions: { show } }));
}

/** Settings as typed, trimmed; blank means "not set". Body field names are matched exactly, so left as they are. */
function read(parameters: readonly CustomHmacParameter[], parameter: ParameterReader): Record<string, string> {
	const settings: Record<string, string> = {};
	for (const { setting, property, triggerOnly } of parameters) {
		const fallback = defaultFor(setting);
		const value = String(parameter(property.name, fallback) ?? fallback);
		settings[setting] = triggerOnly ? value : value.trim();
	}
	return settings;
}

/** The signature settings both nodes show, under the given display condition. */
export function customHmacProperties(show: IDisplayOptions['show']): INodeProperties[] {
	return properties(SCHEME_PARAMETERS, show);
}

/** The trigger's whole Custom HMAC section: the signature settings, then where the event name and id are. */
export function customHmacTriggerProperties(show: IDisplayOptions['show']): INodeProperties[] {
	return properties(PARAMETERS, show);
}

/** The sender's Custom HMAC signature settings. */
export function readCustomHmacParameters(parameter: ParameterReader): CustomHmacOptions {
	return read(SCHEME_PARAMETERS, parameter) as unknown as CustomHmacOptions;
}

/** The trigger's Custom HMAC settings, signature and body fields. */
export function readCustomHmacSettings(parameter: ParameterReader): CustomHmacSettings {
	return read(PARAMETERS, parameter) as unknown as CustomHmacSettings;
}
