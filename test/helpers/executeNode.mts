/**
 * Runs the Signed Webhook action node inside n8n-core's own ExecuteContext:
 * real parameter resolution (defaults, expressions over each item),
 * continueOnFail from the node settings, and n8n's real httpRequest /
 * httpRequestWithAuthentication helpers (axios through @n8n/backend-network),
 * with the credential's authenticate() applied by a credentials helper stand-in.
 */
import { ExecuteContext } from 'n8n-core';
import {
	createRunExecutionData,
	Workflow,
	type ICredentialDataDecryptedObject,
	type IExecuteData,
	type IHttpRequestOptions,
	type INode,
	type INodeExecutionData,
} from 'n8n-workflow';
import { afterAll, beforeEach } from 'vitest';

import type { SignedWebhookCredential } from '../../nodes/core/credentialCheck';
import { SignedWebhook } from '../../nodes/SignedWebhook/SignedWebhook.node';
import { additionalDataFor, installN8nCoreStandIns, logs, singleNodeTypes, type LogEntry } from './n8nCoreStandIns.mts';
import { startReceiver, type Receiver } from './receiver.mts';

export { logs, type LogEntry };

export const node = new SignedWebhook();
const nodeTypes = singleNodeTypes(node);

/** Every HTTP call the node made through n8n's helpers, as n8n received the options. */
export const httpCalls: Array<{ helper: string; options: IHttpRequestOptions }> = [];

/** A loopback receiver for one test file: started now, emptied (with httpCalls) before each test, closed after the file. */
export async function receiverForFile(): Promise<Receiver> {
	const receiver = await startReceiver();
	afterAll(async () => {
		await receiver.close();
	});
	beforeEach(() => {
		receiver.reset();
		httpCalls.length = 0;
	});
	return receiver;
}

export interface RunOptions {
	parameters: Record<string, unknown>;
	items: Array<Record<string, unknown>>;
	credential: SignedWebhookCredential;
	continueOnFail?: boolean;
}

export interface RunResult {
	delivered: INodeExecutionData[];
	failed: INodeExecutionData[];
	error?: Error & Record<string, unknown>;
	elapsedMs: number;
}

/** n8n-core's ExecuteContext for the node with these parameters, items and credential. */
export function executeContext(options: RunOptions): ExecuteContext {
	installN8nCoreStandIns();
	const workflowNode: INode = {
		id: 'sender-1',
		name: 'Signed Webhook',
		type: 'n8n-nodes-signed-webhooks.signedWebhook',
		typeVersion: 1,
		position: [0, 0],
		parameters: options.parameters as INode['parameters'],
		credentials: { signedWebhookApi: { id: 'cred-1', name: 'Signed Webhook' } },
		continueOnFail: options.continueOnFail ?? false,
		onError: options.continueOnFail ? 'continueRegularOutput' : 'stopWorkflow',
	};
	const workflow = new Workflow({
		id: 'wf-sender',
		name: 'sender test',
		nodes: [workflowNode],
		connections: {},
		active: false,
		nodeTypes,
	});
	const resolvedNode = workflow.getNode(workflowNode.name) as INode;
	const items: INodeExecutionData[] = options.items.map((json) => ({ json: json as INodeExecutionData['json'] }));
	const additionalData = additionalDataFor({
		credential: options.credential as ICredentialDataDecryptedObject,
		onAuthenticate: (requestOptions, credentials) =>
			httpCalls.push({ helper: 'httpRequestWithAuthentication', options: requestOptions, credentials } as never),
	});
	const executeData: IExecuteData = { node: resolvedNode, data: { main: [items] }, source: null };
	return new ExecuteContext(
		workflow,
		resolvedNode,
		additionalData,
		'manual',
		createRunExecutionData(),
		0,
		items,
		{ main: [items] },
		executeData,
		[],
	);
}

export async function runNode(options: RunOptions): Promise<RunResult> {
	const context = executeContext(options);
	const started = Date.now();
	try {
		const output = (await node.execute.call(context)) as INodeExecutionData[][];
		return { delivered: output[0], failed: output[1], elapsedMs: Date.now() - started };
	} catch (error) {
		return { delivered: [], failed: [], error: error as Error & Record<string, unknown>, elapsedMs: Date.now() - started };
	}
}
