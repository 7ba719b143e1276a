import { NodeHelpers, Workflow, type INode } from 'n8n-workflow';
import { describe, expect, it } from 'vitest';

import { DELIVERY_DEFAULTS } from '../../../nodes/core/deliveryPlan';
import { SignedWebhook } from '../../../nodes/SignedWebhook/SignedWebhook.node';
import { singleNodeTypes } from '../../helpers/n8nCoreStandIns.mts';

const node = new SignedWebhook();
const { description } = node;
const property = (name: string) => description.properties.find((one) => one.name === name);

/** The outputs n8n draws for the node with these parameters: it evaluates the outputs expression. */
function outputNames(parameters: INode['parameters']): string[] {
	const workflowNode: INode = { id: 'n1', name: 'Signed Webhook', type: 'n8n-nodes-signed-webhooks.signedWebhook', typeVersion: 1, position: [0, 0], parameters };
	const workflow = new Workflow({ nodes: [workflowNode], connections: {}, active: false, nodeTypes: singleNodeTypes(node) });
	return NodeHelpers.getNodeOutputs(workflow, workflowNode, description).map((output) =>
		typeof output === 'string' ? output : (output.displayName as string),
	);
}

describe('Signed Webhook description', () => {
	it('identity, tool use, credential with its test, icons, two named outputs (three in durable mode)', () => {
		expect(description).toMatchObject({
			name: 'signedWebhook',
			displayName: 'Signed Webhook',
			usableAsTool: true,
			icon: { light: 'file:signedWebhook.svg', dark: 'file:signedWebhook.dark.svg' },
			credentials: [{ name: 'signedWebhookApi', required: true, testedBy: 'signedWebhookApiTest' }],
		});
		expect(outputNames({})).toEqual(['Delivered', 'Failed']);
		expect(outputNames({ retryMode: 'inProcess' })).toEqual(['Delivered', 'Failed']);
		expect(outputNames({ retryMode: 'durable' })).toEqual(['Delivered', 'Failed', 'Retry Later']);
		expect(typeof node.methods.credentialTest.signedWebhookApiTest).toBe('function');
	});

	it('defaults from the issue', () => {
		expect(property('operation')?.options?.map((option) => (option as { value: string }).value)).toEqual(['send', 'sendTestEvent']);
		expect(property('signatureScheme')?.default).toBe('standardWebhooks');
		expect(property('signatureScheme')?.options?.map((option) => (option as { value: string }).value).sort()).toEqual(
			['customHmac', 'github', 'none', 'onCallClerk', 'outboundIq', 'pbx', 'shopify', 'standardWebhooks', 'stripe'],
		);
		expect(property('envelope')?.default).toBe('none');
		expect(property('batchSize')).toMatchObject({ default: 1, typeOptions: { minValue: 1, maxValue: 100 } });
		expect(property('maxAttempts')).toMatchObject({ default: 5, typeOptions: { minValue: 1, maxValue: 100 } });
		expect(property('timeoutMs')?.default).toBe(10000);
		expect(property('concurrency')).toMatchObject({ default: 10, typeOptions: { minValue: 1, maxValue: 200 } });
		expect(property('onFinalFailure')?.default).toBe('route');
	});

	it('the retry and delivery defaults come from the core table', () => {
		const option = (name: string) =>
			(property('options')?.options as Array<{ name: string; default: unknown }>).find((one) => one.name === name)?.default;
		expect(option('backoffBaseMs')).toBe(1000);
		expect(option('backoffCapMs')).toBe(30000);
		expect(option('deadlineMs')).toBe(120000);
		expect(option('idempotencyHeader')).toBe('Idempotency-Key');
		expect(property('batchKey')?.default).toBe('items');
		expect({
			maxAttempts: property('maxAttempts')?.default,
			baseMs: option('backoffBaseMs'),
			capMs: option('backoffCapMs'),
			deadlineMs: option('deadlineMs'),
		}).toEqual(DELIVERY_DEFAULTS.policy);
		expect(property('timeoutMs')?.default).toBe(DELIVERY_DEFAULTS.timeoutMs);
		expect(property('concurrency')?.default).toBe(DELIVERY_DEFAULTS.concurrency);
		expect(option('userAgent')).toBe(DELIVERY_DEFAULTS.userAgent);
	});

	it('the credential test checks the stored secret', async () => {
		const test = node.methods.credentialTest.signedWebhookApiTest;
		const ok = await test.call({} as never, { id: '1', name: 'c', type: 'signedWebhookApi', data: { signingSecret: 'a-good-secret-123' } });
		expect(ok.status).toBe('OK');
		const bad = await test.call({} as never, { id: '1', name: 'c', type: 'signedWebhookApi', data: { signingSecret: 'whsec_!!!' } });
		expect(bad.status).toBe('Error');
	});
});
