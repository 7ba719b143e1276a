import type {
	IAuthenticate,
	ICredentialDataDecryptedObject,
	ICredentialType,
	IHttpRequestOptions,
	INodeProperties,
	Icon,
} from 'n8n-workflow';

import { credentialAuthHeader, type SignedWebhookCredential } from '../nodes/core/credentialCheck';

export class SignedWebhookApi implements ICredentialType {
	name = 'signedWebhookApi';

	displayName = 'Signed Webhook API';

	icon: Icon = { light: 'file:signedWebhook.svg', dark: 'file:signedWebhook.dark.svg' };

	documentationUrl = 'https://github.com/n8n-nodes-signed-webhooks/n8n-nodes-signed-webhooks#credentials';

	properties: INodeProperties[] = [
		{
			displayName: 'Signing Secret',
			name: 'signingSecret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			description:
				'The secret the sender signs with. For Standard Webhooks it looks like whsec_… (base64). Leave empty when the platform sends only an auth header.',
		},
		{
			displayName: 'Previous Signing Secret',
			name: 'previousSigningSecret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			description:
				'While rotating, the secret being replaced. Signatures made with it are still accepted, and the item says which secret matched.',
		},
		{
			displayName: 'Signing Key (Standard Webhooks V1a)',
			name: 'signingSecretKey',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			placeholder: 'whsk_…',
			description:
				'An ed25519 signing key (whsk_…). Signed Webhook then also signs v1a with the Standard Webhooks scheme, beside v1 when a signing secret is set too.',
		},
		{
			displayName: 'Public Key (Standard Webhooks V1a)',
			name: 'publicKey',
			type: 'string',
			default: '',
			placeholder: 'whpk_…',
			description: "The sender's ed25519 public key (whpk_…). The trigger's Standard Webhooks preset accepts v1a signatures made with it.",
		},
		{
			displayName: 'Auth Header',
			name: 'authType',
			type: 'options',
			default: 'none',
			options: [
				{ name: 'None', value: 'none' },
				{ name: 'Bearer Token', value: 'bearer', description: 'Authorization: Bearer <token>' },
				{ name: 'Custom Header', value: 'header', description: 'For example X-API-Key: <value>' },
			],
			description: 'A header that a receiving trigger checks and that the sending node adds',
		},
		{
			displayName: 'Bearer Token',
			name: 'bearerToken',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			displayOptions: { show: { authType: ['bearer'] } },
		},
		{
			displayName: 'Header Name',
			name: 'headerName',
			type: 'string',
			default: 'X-API-Key',
			displayOptions: { show: { authType: ['header'] } },
		},
		{
			displayName: 'Header Value',
			name: 'headerSecret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			displayOptions: { show: { authType: ['header'] } },
		},
	];

	/** Adds the auth header to outgoing requests; signatures are added by the node per attempt. */
	authenticate: IAuthenticate = async (
		credentials: ICredentialDataDecryptedObject,
		requestOptions: IHttpRequestOptions,
	): Promise<IHttpRequestOptions> => {
		const authHeader = credentialAuthHeader(credentials as SignedWebhookCredential);
		if (!authHeader) return requestOptions;
		return {
			...requestOptions,
			headers: { ...(requestOptions.headers ?? {}), [authHeader.name]: authHeader.value },
		};
	};
}
