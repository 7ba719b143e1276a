/**
 * Correctly signed deliveries for every preset, built from the seed documents'
 * example payloads (test/fixtures/seeds) with the core's own sign().
 */
import { readFileSync } from 'node:fs';

import type { SignedWebhookCredential } from '../../nodes/core/credentialCheck';
import {
	createCustomHmacScheme,
	gitHubScheme,
	onCallClerkScheme,
	outboundIqScheme,
	pbxScheme,
	shopifyScheme,
} from '../../nodes/core/providers/index';
import { standardWebhooksScheme, stripeScheme } from '../../nodes/core/schemes/index';

export const SECRET = 'trigger-test-secret-7d1e42';
export const PREVIOUS_SECRET = 'trigger-old-secret-3a9c11';
export const WHSEC = `whsec_${Buffer.from('trigger-test-key-0123456789abcdef').toString('base64')}`;
export const PREVIOUS_WHSEC = `whsec_${Buffer.from('trigger-old-key-fedcba9876543210').toString('base64')}`;
export const BEARER_TOKEN = 'outcaller-bearer-token-5b2f';
export const API_KEY = 'lead-callback-api-key-91c3';

export const seed = (name: string): Buffer =>
	readFileSync(new URL(`../fixtures/seeds/${name}`, import.meta.url));

export const nowSeconds = () => Math.floor(Date.now() / 1000);

export interface Delivery {
	provider: string;
	body: Buffer;
	headers: Record<string, string>;
	params: Record<string, unknown>;
	credential: SignedWebhookCredential;
}

export interface SignOptions {
	/** Sign with this secret instead of the current one. */
	secret?: string;
	timestamp?: number;
	id?: string;
	/** Credential to configure (defaults to the current and previous secrets). */
	credential?: SignedWebhookCredential;
}

const signatureCredential = (provider: string): SignedWebhookCredential =>
	provider === 'standardWebhooks'
		? { signingSecret: WHSEC, previousSigningSecret: PREVIOUS_WHSEC, authType: 'none' }
		: { signingSecret: SECRET, previousSigningSecret: PREVIOUS_SECRET, authType: 'none' };

export const customHmacParams = {
	customSignatureHeader: 'X-Acme-Signature',
	customPrefix: 'v1=',
	customAlgorithm: 'sha256',
	customEncoding: 'base64',
	customTemplate: '{timestamp}.{body}',
	customTimestampHeader: 'X-Acme-Timestamp',
	customIdHeader: '',
	customSecretEncoding: 'utf8',
	customEventField: 'kind',
	customIdField: 'uid',
};

export const exampleBodies: Record<string, () => Buffer> = {
	outCallerAi: () => seed('outCallerAi.lead.created.json'),
	onCallClerk: () => seed('onCallClerk.lead.captured.json'),
	leadUpdateCallback: () => seed('leadUpdateCallback.activity.json'),
	outboundIq: () => seed('outboundIq.dial.batch.json'),
	pbx: () => seed('pbx.extension.created.json'),
	standardWebhooks: () =>
		Buffer.from(
			'{"type":"invoice.paid","timestamp":"2026-11-22T08:00:00.000Z","data":{"invoiceId":"inv_42","amount":1999}}',
		),
	stripe: () =>
		Buffer.from(
			'{"id":"evt_1Qx","object":"event","api_version":"2024-06-20","created":1763800000,"livemode":false,"type":"payment_intent.succeeded","data":{"object":{"id":"pi_3","amount":2000}}}',
		),
	github: () => Buffer.from('{"ref":"refs/heads/main","action":"completed","repository":{"full_name":"acme/app"}}'),
	shopify: () => Buffer.from('{"id":820982911946154500,"email":"jon@example.com","total_price":"199.65"}'),
	customHmac: () => Buffer.from('{"kind":"ticket.opened","uid":"t_77","occurredAt":"2026-11-22T07:59:00Z","data":{"ticket":77}}'),
};

export const providers = Object.keys(exampleBodies);

/** The delivery a platform would make for `provider`, signed correctly. */
export function signedDelivery(provider: string, body: Buffer = exampleBodies[provider](), options: SignOptions = {}): Delivery {
	const timestamp = options.timestamp ?? nowSeconds();
	const secret = options.secret ?? (provider === 'standardWebhooks' ? WHSEC : SECRET);
	let parsed: Record<string, unknown> = {};
	try {
		parsed = JSON.parse(body.toString('utf8')) as Record<string, unknown>;
	} catch {
		// Deliberately broken bodies still get signed.
	}
	const params: Record<string, unknown> = { provider, events: ['*'] };
	let headers: Record<string, string> = {};
	let credential: SignedWebhookCredential = options.credential ?? signatureCredential(provider);

	switch (provider) {
		case 'outCallerAi':
			headers = {
				Authorization: `Bearer ${BEARER_TOKEN}`,
				'X-Outcaller-Event': String(parsed.event),
				'X-Outcaller-Resource': String(parsed.resource),
				'X-Outcaller-Action': String(parsed.action),
				'X-Outcaller-Workspace-Id': String(parsed.workspaceId),
			};
			credential = options.credential ?? { authType: 'bearer', bearerToken: BEARER_TOKEN };
			break;
		case 'leadUpdateCallback':
			headers = { 'X-API-Key': API_KEY };
			credential = options.credential ?? { authType: 'header', headerName: 'X-API-Key', headerSecret: API_KEY };
			break;
		case 'onCallClerk':
			headers = onCallClerkScheme.sign({ body, secret });
			break;
		case 'outboundIq':
			headers = {
				...outboundIqScheme.sign({ body, secret }),
				'User-Agent': 'outboundIQ-webhooks/1.0',
				'X-OutboundIQ-Event': String(parsed.event),
				'X-OutboundIQ-Delivery-Id': String(parsed.deliveryId),
			};
			break;
		case 'pbx':
			headers = { ...pbxScheme.sign({ body, secret, timestamp }), 'X-Webhook-Event': String(parsed.event) };
			break;
		case 'standardWebhooks':
			headers = standardWebhooksScheme.sign({ body, secret, timestamp, id: options.id ?? 'msg_2b7fXq' });
			break;
		case 'stripe':
			headers = stripeScheme.sign({ body, secret, timestamp });
			break;
		case 'github':
			headers = {
				...gitHubScheme.sign({ body, secret }),
				'X-GitHub-Event': 'workflow_run',
				'X-GitHub-Delivery': options.id ?? '72d3162e-cc78-11e3-81ab-4c9367dc0958',
				'X-GitHub-Hook-Id': '292430182',
			};
			break;
		case 'shopify':
			headers = {
				...shopifyScheme.sign({ body, secret }),
				'X-Shopify-Topic': 'orders/create',
				'X-Shopify-Webhook-Id': options.id ?? 'b54557e4-bdd9-4b37-8a5f-bf7d70bcd043',
				'X-Shopify-Shop-Domain': 'acme.myshopify.com',
				'X-Shopify-Triggered-At': '2026-11-22T08:00:00.000Z',
			};
			break;
		case 'customHmac': {
			Object.assign(params, customHmacParams);
			const scheme = createCustomHmacScheme({
				algorithm: 'sha256',
				signatureHeader: customHmacParams.customSignatureHeader,
				prefix: customHmacParams.customPrefix,
				encoding: 'base64',
				template: customHmacParams.customTemplate,
				timestampHeader: customHmacParams.customTimestampHeader,
			});
			headers = scheme.sign({ body, secret, timestamp });
			break;
		}
		default:
			throw new Error(`no delivery for ${provider}`);
	}
	return { provider, body, headers, params, credential };
}
