import { readFileSync } from 'node:fs';

import {
	NodeHelpers,
	type ICredentialDataDecryptedObject,
	type ICredentialTestFunctions,
	type INodeProperties,
} from 'n8n-workflow';
import { describe, expect, it } from 'vitest';

import { providerPresets } from '../../../nodes/core/providers/index';
import { makeWorkflow, trigger as node } from '../../helpers/triggerNode.mts';

const { description } = node;
const property = (name: string) => description.properties.filter((one) => one.name === name);

describe('node description', () => {
	it('is version 1.1 for new nodes and still loads saved version 1 ones', () => {
		// 1.1 spares n8n evaluating the v1 `binaryData` option per request (B2 counts the isolate).
		expect(description.version).toEqual([1, 1.1]);
		expect(description.defaultVersion).toBe(1.1);
	});

	it('identifies itself as the Signed Webhook Trigger', () => {
		expect(description).toMatchObject({
			name: 'signedWebhookTrigger',
			displayName: 'Signed Webhook Trigger',
			group: ['trigger'],
			inputs: [],
			icon: { light: 'file:signedWebhook.svg', dark: 'file:signedWebhook.dark.svg' },
		});
		expect(description.subtitle).toContain('provider');
		expect(description.credentials).toEqual([
			{ name: 'signedWebhookApi', required: true, testedBy: 'signedWebhookApiTest' },
		]);
		expect(description.webhooks).toEqual([
			{ name: 'default', httpMethod: 'POST', responseMode: 'onReceived', responseData: '', path: 'webhook' },
		]);
		expect(String(description.outputs)).toMatch(/rejectedOutput/);
	});

	it('sets responseData so that n8n 2.x acknowledges accepted deliveries with JSON', () => {
		// n8n 2.41 evaluates responseData with the default 'firstEntryJson' when it is undefined, and
		// in onReceived mode sends any truthy value as the body: the platform got the text
		// "firstEntryJson" (text/html). An empty string falls through to {"message":"Workflow was
		// started"}. test/e2e/platforms.e2e.test.mts checks the real answer.
		const [webhook] = description.webhooks ?? [];
		expect(webhook.responseData).toBeDefined();
		expect(webhook.responseData).toBeFalsy();
		expect(webhook.responseData).not.toBe('noData');
	});

	it('offers every preset as a Provider, and an Events list and setup notice for each', () => {
		const [provider] = property('provider');
		const values = (provider.options ?? []).map((option) => (option as { value: string }).value);
		expect(values.sort()).toEqual(
			['customHmac', 'github', 'leadUpdateCallback', 'onCallClerk', 'outCallerAi', 'outboundIq', 'pbx', 'shopify', 'standardWebhooks', 'stripe'],
		);
		const events = property('events');
		expect(events).toHaveLength(providerPresets.length);
		for (const preset of providerPresets) {
			const list = events.find((one) => one.displayOptions?.show?.provider?.includes(preset.name)) as INodeProperties;
			const offered = (list.options ?? []).map((option) => (option as { value: string }).value);
			expect(offered).toContain('*');
			for (const event of preset.events) expect(offered).toContain(event.name);
			expect(preset.setupHint.length).toBeGreaterThan(20);
		}
		const onCallClerk = events.find((one) => one.displayOptions?.show?.provider?.includes('onCallClerk'));
		expect((onCallClerk?.options ?? []).length).toBe(7);
	});

	it('codex aliases carry the provider names', () => {
		const codex = JSON.parse(
			readFileSync(new URL('../../../nodes/SignedWebhookTrigger/SignedWebhookTrigger.node.json', import.meta.url), 'utf8'),
		) as { node: string; alias: string[] };
		expect(codex.node).toBe('n8n-nodes-signed-webhooks.signedWebhookTrigger');
		for (const name of ['OutCallerAI', 'OnCallClerk', 'outboundIQ', 'Lead Update Callback', 'PBX', 'Standard Webhooks', 'Svix', 'Stripe', 'GitHub', 'Shopify', 'HMAC']) {
			expect(codex.alias).toContain(name);
		}
	});

	it('the credential test reports well-formed and broken credentials', async () => {
		const test = node.methods.credentialTest.signedWebhookApiTest;
		const run = (data: ICredentialDataDecryptedObject) =>
			test.call({} as ICredentialTestFunctions, { id: '1', name: 'c', type: 'signedWebhookApi', data });
		expect(await run({ signingSecret: 'a-good-long-secret', authType: 'none' })).toMatchObject({ status: 'OK' });
		expect(await run({ signingSecret: 'short', authType: 'none' })).toMatchObject({ status: 'Error' });
		expect(await run({ authType: 'none' })).toMatchObject({ status: 'Error' });
	});
});

describe('description expressions, evaluated by n8n', () => {
	it('the subtitle shows the provider name', () => {
		const { workflow, node: instance } = makeWorkflow({ params: { provider: 'outboundIq' } });
		const subtitle = workflow.expression.getSimpleParameterValue(instance, description.subtitle as string, 'internal', {});
		expect(subtitle).toBe('outboundIQ');
	});

	it('the outputs are one, or two with the Rejected output on', () => {
		for (const [rejectedOutput, names] of [
			[false, ['Accepted']],
			[true, ['Accepted', 'Rejected']],
		] as const) {
			const { workflow, node: instance } = makeWorkflow({ params: { provider: 'pbx', rejectedOutput } });
			const outputs = NodeHelpers.getNodeOutputs(workflow, instance, description) as Array<{ type: string; displayName: string }>;
			expect(outputs.map((output) => output.displayName)).toEqual(names);
			expect(outputs.every((output) => output.type === 'main')).toBe(true);
		}
	});
});
