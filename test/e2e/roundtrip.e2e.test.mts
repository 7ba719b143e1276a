/**
 * Round trip for every signature scheme of the Signed Webhook node, inside one real n8n: a
 * sender workflow (built-in Webhook → Set "Payload" → Signed Webhook) fired over HTTP delivers
 * to a receiver workflow's Signed Webhook Trigger (matching provider → NoOp "CRM step"). The
 * sender's execution shows the item in Delivered, and the receiver's execution holds the data
 * that was sent, verified with the current secret under the expected scheme.
 */
import { randomUUID } from 'node:crypto';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { SignedWebhookCredential } from '../../nodes/core/credentialCheck';
import { fireSender, nodeItems, senderWorkflow, settledExecutions, startInstance, type Instance } from './exampleKit.mts';
import { getFreePort } from '../../tools/n8n-instance/index.mjs';
import { TRIGGER_TYPE } from './triggerFleet.mts';

interface Case {
	key: string;
	/** Signed Webhook parameters besides urls/credential. */
	send: Record<string, unknown>;
	/** Signed Webhook Trigger provider and extra parameters. */
	provider: string;
	receive?: Record<string, unknown>;
	credential: SignedWebhookCredential;
	/** verification.scheme the trigger reports. */
	scheme: string;
	/** Where the sent item lands in the trigger's item. */
	dataOf: (item: any) => any;
}

const SECRET = 'roundtrip-e2e-secret-5c7d19';
const WHSEC = `whsec_${Buffer.from('roundtrip-e2e-key-0123456789abcd').toString('base64')}`;
const signing = (secret = SECRET): SignedWebhookCredential => ({ signingSecret: secret, authType: 'none' });
const pairs = (headers: Record<string, string>) => ({
	headersMode: 'pairs',
	headers: { header: Object.entries(headers).map(([name, value]) => ({ name, value })) },
});
const custom = {
	customSignatureHeader: 'X-Acme-Signature',
	customPrefix: 'v1=',
	customAlgorithm: 'sha512',
	customEncoding: 'base64',
	customTemplate: '{timestamp}.{body}',
	customTimestampHeader: 'X-Acme-Timestamp',
	customIdHeader: '',
	customSecretEncoding: 'utf8',
};

const cases: Case[] = [
	{
		key: 'standardWebhooks',
		send: { signatureScheme: 'standardWebhooks', envelope: 'standardWebhooks', event: 'contact.updated' },
		provider: 'standardWebhooks',
		credential: signing(WHSEC),
		scheme: 'standardWebhooks',
		dataOf: (item) => item.data,
	},
	{
		key: 'stripe',
		// Stripe-style receivers expect {id, type, created, data}: the OnCallClerk envelope has that shape.
		send: { signatureScheme: 'stripe', envelope: 'onCallClerk', event: 'customer.updated' },
		provider: 'stripe',
		credential: signing(),
		scheme: 'stripe',
		dataOf: (item) => item.data,
	},
	{
		key: 'github',
		send: { signatureScheme: 'github', envelope: 'none', ...pairs({ 'X-GitHub-Event': 'push', 'X-GitHub-Delivery': randomUUID() }) },
		provider: 'github',
		credential: signing(),
		scheme: 'github',
		dataOf: (item) => item.data,
	},
	{
		key: 'shopify',
		send: { signatureScheme: 'shopify', envelope: 'none', ...pairs({ 'X-Shopify-Topic': 'customers/update', 'X-Shopify-Shop-Domain': 'acme.myshopify.com' }) },
		provider: 'shopify',
		credential: signing(),
		scheme: 'shopify',
		dataOf: (item) => item.data,
	},
	{
		key: 'outboundIq',
		send: { signatureScheme: 'outboundIq', envelope: 'outboundIq' },
		provider: 'outboundIq',
		credential: signing(),
		scheme: 'outboundIq',
		dataOf: (item) => item.data,
	},
	{
		key: 'onCallClerk',
		send: { signatureScheme: 'onCallClerk', envelope: 'onCallClerk', event: 'lead.captured' },
		provider: 'onCallClerk',
		credential: signing(),
		scheme: 'onCallClerk',
		dataOf: (item) => item.data,
	},
	{
		key: 'pbx',
		send: { signatureScheme: 'pbx', envelope: 'pbx', event: 'contact.created' },
		provider: 'pbx',
		receive: { customEvents: 'contact.*' },
		credential: signing(),
		scheme: 'pbx',
		dataOf: (item) => item.data,
	},
	{
		key: 'customHmac',
		send: { signatureScheme: 'customHmac', envelope: 'pbx', event: 'ticket.opened', ...custom },
		provider: 'customHmac',
		receive: { ...custom, customEventField: 'event', customIdField: '' },
		credential: signing(),
		scheme: 'customHmac',
		dataOf: (item) => item.data,
	},
	{
		key: 'none-header',
		send: { signatureScheme: 'none', envelope: 'none' },
		provider: 'leadUpdateCallback',
		credential: { authType: 'header', headerName: 'X-Roundtrip-Key', headerSecret: 'roundtrip-header-secret-8e1a' },
		scheme: 'authHeader',
		dataOf: (item) => item.data,
	},
	{
		key: 'none-bearer',
		send: { signatureScheme: 'none', envelope: 'outCallerAi', event: 'lead.updated' },
		provider: 'outCallerAi',
		credential: { authType: 'bearer', bearerToken: 'roundtrip-bearer-token-2f9b' },
		scheme: 'authHeader',
		dataOf: (item) => item.data,
	},
];

const receiverName = (c: Case) => `roundtrip receive ${c.key}`;
const senderName = (c: Case) => `roundtrip send ${c.key}`;
const hookIds = new Map(cases.map((c) => [c.key, randomUUID()]));
const credId = (c: Case) => `rt${c.key.replace(/[^A-Za-z0-9]/g, '')}`.padEnd(16, '0').slice(0, 16);

function receiver(c: Case) {
	return {
		name: receiverName(c),
		nodes: [
			{
				parameters: { provider: c.provider, events: ['*'], ...(c.receive ?? {}), options: {} },
				id: randomUUID(),
				name: 'Signed Webhook Trigger',
				type: TRIGGER_TYPE,
				typeVersion: 1,
				position: [0, 0],
				webhookId: hookIds.get(c.key),
				credentials: { signedWebhookApi: { id: credId(c), name: `roundtrip ${c.key}` } },
			},
			{ parameters: {}, id: randomUUID(), name: 'CRM step', type: 'n8n-nodes-base.noOp', typeVersion: 1, position: [240, 0] },
		],
		connections: { 'Signed Webhook Trigger': { main: [[{ node: 'CRM step', type: 'main', index: 0 }]] } },
		settings: { executionOrder: 'v1' },
	};
}

function sender(c: Case, port: number) {
	return senderWorkflow(senderName(c), {
		path: `roundtrip-${c.key}`,
		credential: { id: credId(c), name: `roundtrip ${c.key}` },
		send: {
			urls: `http://localhost:${port}/webhook/${hookIds.get(c.key)}/webhook`,
			maxAttempts: 2,
			timeoutMs: 10_000,
			...c.send,
			options: { backoffBaseMs: 100, backoffCapMs: 200 },
		},
	});
}

describe('Signed Webhook → Signed Webhook Trigger round trip, every scheme', () => {
	let instance: Instance;
	let port: number;

	beforeAll(async () => {
		port = await getFreePort();
		instance = await startInstance('roundtrip', {
			port,
			credentials: cases.map((c) => ({ id: credId(c), name: `roundtrip ${c.key}`, type: 'signedWebhookApi', data: c.credential })),
			workflows: [...cases.map(receiver), ...cases.map((c) => sender(c, port))],
		});
	});

	afterAll(async () => {
		await instance?.stop();
	});

	it('gives every case its own credential id', () => {
		expect(new Set(cases.map(credId)).size).toBe(cases.length);
	});

	it.each(cases.map((c) => [c.key, c] as const))('%s', async (_key, c) => {
		const marker = `rt-${c.key}-${randomUUID()}`;
		const payload = { marker, contact: { name: 'Priya Sharma', email: 'priya@example.com' }, amount: 1999 };
		const res = await fireSender(instance.n8n, `roundtrip-${c.key}`, payload);
		expect(res.status, res.text).toBe(200);

		const [sent] = await settledExecutions(instance.n8n, instance.workflowId(senderName(c)), 1);
		expect(sent.status, JSON.stringify(sent.data.resultData.error ?? null)).toBe('success');
		const delivered = nodeItems(sent, 'Signed Webhook', 0);
		expect(nodeItems(sent, 'Signed Webhook', 1)).toEqual([]);
		expect(delivered).toHaveLength(1);
		expect(delivered[0]).toMatchObject({ delivered: true, status: 200 });
		expect(delivered[0].attempts).toHaveLength(1);

		const [received] = await settledExecutions(instance.n8n, instance.workflowId(receiverName(c)), 1);
		expect(received.status).toBe('success');
		const items = nodeItems(received, 'Signed Webhook Trigger');
		expect(items).toHaveLength(1);
		expect(items[0].provider).toBe(c.provider);
		// Signature schemes report which secret matched; an auth header alone matches none.
		expect(items[0].verification).toEqual({ secret: c.scheme === 'authHeader' ? null : 'current', scheme: c.scheme });
		expect(c.dataOf(items[0])).toEqual(payload);
		expect(nodeItems(received, 'CRM step')).toEqual(items);
	});
});
