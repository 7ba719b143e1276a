import type { IDisplayOptions, INodeProperties } from 'n8n-workflow';

/** The Custom HMAC settings both nodes show, under the given display condition. */
export function customHmacProperties(show: IDisplayOptions['show']): INodeProperties[] {
	const properties: INodeProperties[] = [
		{
			displayName: 'Signature Header',
			name: 'customSignatureHeader',
			type: 'string',
			default: 'X-Signature',
			required: true,
			description: 'Header that carries the signature',
		},
		{
			displayName: 'Signature Prefix',
			name: 'customPrefix',
			type: 'string',
			default: '',
			placeholder: 'sha256=',
			description: 'Text before the digest in the header, if any',
		},
		{
			displayName: 'Algorithm',
			name: 'customAlgorithm',
			type: 'options',
			options: [
				{ name: 'SHA-1', value: 'sha1' },
				{ name: 'SHA-256', value: 'sha256' },
				{ name: 'SHA-512', value: 'sha512' },
			],
			default: 'sha256',
		},
		{
			displayName: 'Signature Encoding',
			name: 'customEncoding',
			type: 'options',
			options: [
				{ name: 'Base64', value: 'base64' },
				{ name: 'Hex', value: 'hex' },
			],
			default: 'hex',
		},
		{
			displayName: 'Signed Content',
			name: 'customTemplate',
			type: 'string',
			default: '{body}',
			description: 'What is signed, over {body}, {timestamp} and {ID}. For example {timestamp}.{body}.',
		},
		{
			displayName: 'Timestamp Header',
			name: 'customTimestampHeader',
			type: 'string',
			default: '',
			placeholder: 'X-Timestamp',
			description: 'Header with the Unix timestamp, required when the signed content uses {timestamp}',
		},
		{
			displayName: 'ID Header',
			name: 'customIdHeader',
			type: 'string',
			default: '',
			placeholder: 'X-Webhook-ID',
			description: 'Header with the message ID, required when the signed content uses {ID}',
		},
		{
			displayName: 'Secret Encoding',
			name: 'customSecretEncoding',
			type: 'options',
			options: [
				{ name: 'Base64', value: 'base64' },
				{ name: 'Hex', value: 'hex' },
				{ name: 'Text (UTF-8)', value: 'utf8' },
			],
			default: 'utf8',
			description: 'How the signing secret is turned into the HMAC key',
		},
	];
	return properties.map((property) => ({ ...property, displayOptions: { show } }));
}
