/**
 * Runs the Signed Webhook Trigger inside n8n-core's own WebhookContext (webhook()) and
 * HookContext (webhookMethods): parameters resolve through n8n with the node's real defaults
 * and displayOptions, expressions evaluate over the request, the credential comes through the
 * credentials helper, and provider API calls go through n8n's real httpRequest helpers.
 */
import { EventEmitter } from 'node:events';

import { HookContext, WebhookContext } from 'n8n-core';
import {
	Workflow,
	type ICredentialDataDecryptedObject,
	type IDataObject,
	type INode,
	type IWebhookData,
	type IWebhookResponseData,
} from 'n8n-workflow';

import type { SignedWebhookCredential } from '../../nodes/core/credentialCheck';
import { SignedWebhookTrigger } from '../../nodes/SignedWebhookTrigger/SignedWebhookTrigger.node';
import {
	additionalDataFor,
	installN8nCoreStandIns,
	logs as allLogs,
	singleNodeTypes,
	type LogEntry,
} from './n8nCoreStandIns.mts';

export type { LogEntry };

export const trigger = new SignedWebhookTrigger();
export const methods = trigger.webhookMethods.default;
const nodeTypes = singleNodeTypes(trigger);
const NODE_NAME = 'Signed Webhook Trigger';
export const WEBHOOK_ID = '5f1c';
/** The production URL n8n gives the node with WEBHOOK_ID. */
export const WEBHOOK_URL = `https://n8n.example.com/webhook/${WEBHOOK_ID}/webhook`;

let memory = 0;
/** Points the following calls at a new workflow, whose dedupe memory is empty. */
export function freshDedupeMemory(): void {
	memory += 1;
}

interface WorkflowOptions {
	params: Record<string, unknown>;
	staticData?: IDataObject;
	workflowId?: string;
	nodeId?: string;
	webhookId?: string;
}

/** A one-node workflow; n8n fills every parameter not given from the node's defaults. */
export function makeWorkflow(options: WorkflowOptions): { workflow: Workflow; node: INode } {
	installN8nCoreStandIns();
	const node: INode = {
		id: options.nodeId ?? 'node-1',
		name: NODE_NAME,
		type: 'n8n-nodes-signed-webhooks.signedWebhookTrigger',
		typeVersion: 1,
		position: [0, 0],
		webhookId: options.webhookId ?? WEBHOOK_ID,
		parameters: options.params as INode['parameters'],
		credentials: { signedWebhookApi: { id: 'cred-1', name: 'Signed Webhook' } },
	};
	const workflow = new Workflow({
		id: options.workflowId ?? `wf-${memory}`,
		name: 'trigger test',
		nodes: [node],
		connections: {},
		active: true,
		nodeTypes,
		staticData: { [`node:${NODE_NAME}`]: options.staticData ?? {} },
	});
	return { workflow, node: workflow.getNode(NODE_NAME) as INode };
}

/** The node's static data as the workflow holds it. */
export const nodeStaticData = (workflow: Workflow) => workflow.staticData[`node:${NODE_NAME}`] as IDataObject;

export interface RecordedResponse {
	status?: number;
	body?: unknown;
	ended: boolean;
}

export interface WebhookCall {
	/** Node parameters; n8n fills the rest from the node's defaults. */
	params: Record<string, unknown>;
	credential?: SignedWebhookCredential;
	/** When set, n8n cannot decrypt the credential. */
	credentialError?: Error;
	body: Buffer | string;
	headers?: Record<string, string | string[]>;
	ip?: string;
	/** Leave req.rawBody unset so that the node must call readRawBody(). */
	lazyRawBody?: boolean;
	staticData?: IDataObject;
	workflowId?: string;
	nodeId?: string;
	mode?: 'webhook' | 'manual';
}

export interface WebhookAnswer {
	result: IWebhookResponseData;
	response: RecordedResponse;
	/** What n8n's logger received during the call. */
	logs: LogEntry[];
}

let inFlight = 0;

/** The WebhookContext n8n would give webhook() for one request, and what the node answers on it. */
export function webhookContext(call: WebhookCall): { context: WebhookContext; response: RecordedResponse; answerAsN8n: (status: number) => void } {
	const { workflow, node } = makeWorkflow(call);
	const body = typeof call.body === 'string' ? Buffer.from(call.body, 'utf8') : call.body;
	const headers: Record<string, string | string[]> = { 'content-type': 'application/json' };
	for (const [name, value] of Object.entries(call.headers ?? {})) headers[name.toLowerCase()] = value;
	let parsed: unknown;
	try {
		parsed = JSON.parse(body.toString('utf8'));
	} catch {
		parsed = {};
	}
	const ip = call.ip ?? '127.0.0.1';
	const req: Record<string, unknown> = {
		headers,
		body: parsed,
		rawBody: call.lazyRawBody ? undefined : body,
		ip,
		socket: { remoteAddress: ip },
		params: {},
		query: {},
		readRawBody: async () => {
			req.rawBody = body;
		},
	};
	const response: RecordedResponse = { ended: false };
	// Express's response as far as the node uses it: a status, a JSON body, and 'finish' once sent.
	const res = Object.assign(new EventEmitter(), {
		statusCode: 200,
		status(code: number) {
			response.status = code;
			res.statusCode = code;
			return res;
		},
		json(sent: unknown) {
			response.body = sent;
			return res.end();
		},
		end() {
			response.ended = true;
			res.emit('finish');
			return res;
		},
	});
	const webhookData = { webhookDescription: { name: 'default' }, isTest: call.mode === 'manual' } as unknown as IWebhookData;
	const context = new WebhookContext(
		workflow,
		node,
		additionalDataFor({
			credential: (call.credential ?? {}) as ICredentialDataDecryptedObject,
			credentialError: call.credentialError,
			httpRequest: req,
			httpResponse: res,
		}),
		call.mode ?? 'webhook',
		webhookData,
		[],
		null,
	);
	// What n8n itself answers after webhook() returned items: 200 once the execution started, 500
	// when it could not start it (webhook-helpers executeWebhook).
	const answerAsN8n = (status: number) => void res.status(status).json(status < 300 ? { message: 'Workflow was started' } : { code: 0, message: 'There was a problem executing the workflow' });
	return { context, response, answerAsN8n };
}

/** Runs webhook() in a context, collecting what n8n's logger received meanwhile. */
export async function runWebhook(context: WebhookContext): Promise<{ result: IWebhookResponseData; logs: LogEntry[] }> {
	const start = allLogs.length;
	inFlight += 1;
	try {
		return { result: await trigger.webhook.call(context), logs: allLogs.slice(start) };
	} finally {
		inFlight -= 1;
		// The logger is shared: empty it between calls so that long campaigns do not pile up lines.
		if (inFlight === 0) allLogs.length = 0;
	}
}

/** Calls webhook() once, in a WebhookContext, as n8n would for one request. */
export async function callWebhook(call: WebhookCall): Promise<WebhookAnswer> {
	const { context, response } = webhookContext(call);
	const { result, logs } = await runWebhook(context);
	return { result, response, logs };
}

/** The items on the main output, as JSON. */
export function emitted(result: IWebhookResponseData): IDataObject[] {
	return (result.workflowData?.[0] ?? []).map((item) => item.json);
}

export interface HookOptions {
	params: Record<string, unknown>;
	credential?: SignedWebhookCredential;
	staticData?: IDataObject;
	webhookId?: string;
}

/** A HookContext for webhookMethods, on activation; `staticData` is the node's, as n8n keeps it. */
export function hookContext(options: HookOptions): { context: HookContext; staticData: IDataObject } {
	const { workflow, node } = makeWorkflow(options);
	const webhookData = {
		webhookDescription: { name: 'default', httpMethod: 'POST', path: 'webhook' },
		isTest: false,
	} as unknown as IWebhookData;
	const context = new HookContext(
		workflow,
		node,
		additionalDataFor({ credential: (options.credential ?? {}) as ICredentialDataDecryptedObject }),
		'trigger',
		'activate',
		webhookData,
	);
	return { context, staticData: nodeStaticData(workflow) };
}
