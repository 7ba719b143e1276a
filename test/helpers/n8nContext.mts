/**
 * Small stand-ins for the n8n function objects a trigger sees: IWebhookFunctions
 * for webhook(), IHookFunctions for the webhookMethods lifecycle. The hook
 * context's httpRequest makes real HTTP calls (node fetch), so registration
 * tests hit a real server.
 */
import type {
	IDataObject,
	IHookFunctions,
	IHttpRequestOptions,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';

import { SignedWebhookApi } from '../../credentials/SignedWebhookApi.credentials';
import type { SignedWebhookCredential } from '../../nodes/core/credentialCheck';
import { SignedWebhookTrigger } from '../../nodes/SignedWebhookTrigger/SignedWebhookTrigger.node';

export interface LogEntry {
	level: 'debug' | 'info' | 'warn' | 'error';
	message: string;
	meta?: unknown;
}

export interface RecordedResponse {
	status?: number;
	body?: unknown;
	ended: boolean;
}

/** A parameter may be a function of the request, standing in for an n8n expression. */
type ParameterValue = unknown | ((request: { body: unknown; headers: IDataObject }) => unknown);

export interface WebhookCallOptions {
	params?: Record<string, ParameterValue>;
	credential?: SignedWebhookCredential;
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

const NODE_BASE = { name: 'Signed Webhook Trigger', type: 'n8n-nodes-signed-webhooks.signedWebhookTrigger', typeVersion: 1, position: [0, 0] as [number, number], parameters: {} };

function lowerHeaders(headers: Record<string, string | string[]>): Record<string, string | string[]> {
	const out: Record<string, string | string[]> = {};
	for (const [name, value] of Object.entries(headers)) out[name.toLowerCase()] = value;
	return out;
}

function makeLogger(logs: LogEntry[]) {
	const at = (level: LogEntry['level']) => (message: string, meta?: unknown) => {
		logs.push({ level, message, meta });
	};
	return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

export function createWebhookContext(options: WebhookCallOptions) {
	const logs: LogEntry[] = [];
	const response: RecordedResponse = { ended: false };
	const bodyBuffer = typeof options.body === 'string' ? Buffer.from(options.body, 'utf8') : options.body;
	const headers = lowerHeaders({ 'content-type': 'application/json', ...(options.headers ?? {}) });
	const params = { provider: 'outCallerAi', ...(options.params ?? {}) };
	const staticData = options.staticData ?? {};
	let parsedBody: unknown;
	try {
		parsedBody = JSON.parse(bodyBuffer.toString('utf8'));
	} catch {
		parsedBody = {};
	}

	const req: Record<string, unknown> = {
		headers,
		ip: options.ip ?? '127.0.0.1',
		socket: { remoteAddress: options.ip ?? '127.0.0.1' },
		body: parsedBody,
		rawBody: options.lazyRawBody ? undefined : bodyBuffer,
		readRawBody: async () => {
			req.rawBody = bodyBuffer;
		},
	};
	const res = {
		status(code: number) {
			response.status = code;
			return res;
		},
		json(body: unknown) {
			response.body = body;
			response.ended = true;
			return res;
		},
		end() {
			response.ended = true;
			return res;
		},
	};

	const node = { ...NODE_BASE, id: options.nodeId ?? 'node-1' };
	const context = {
		logger: makeLogger(logs),
		getNodeParameter(name: string, fallback?: unknown) {
			if (!(name in params)) return fallback;
			const value = params[name];
			return typeof value === 'function'
				? (value as (request: { body: unknown; headers: IDataObject }) => unknown)({
						body: parsedBody,
						headers: headers as IDataObject,
					})
				: value;
		},
		getRequestObject: () => req,
		getResponseObject: () => res,
		getHeaderData: () => headers,
		getBodyData: () => parsedBody,
		getCredentials: async () => ({ ...(options.credential ?? {}) }),
		getWorkflowStaticData: () => staticData,
		getWorkflow: () => ({ id: options.workflowId ?? 'wf-1', name: 'test', active: true }),
		getNode: () => node,
		getMode: () => options.mode ?? 'webhook',
		helpers: {
			prepareBinaryData: async (data: Buffer, fileName?: string, mimeType?: string) => ({
				data: data.toString('base64'),
				fileName,
				mimeType: mimeType ?? 'application/octet-stream',
				fileSize: String(data.length),
			}),
		},
	};
	return { context: context as unknown as IWebhookFunctions, response, logs, staticData };
}

/** Calls the trigger's webhook() once, as n8n would for one request. */
export async function callWebhook(options: WebhookCallOptions): Promise<{
	result: IWebhookResponseData;
	response: RecordedResponse;
	logs: LogEntry[];
}> {
	const node = new SignedWebhookTrigger();
	const { context, response, logs } = createWebhookContext(options);
	const result = await node.webhook.call(context);
	return { result, response, logs };
}

/** The items on the main output, as JSON. */
export function emitted(result: IWebhookResponseData): IDataObject[] {
	return (result.workflowData?.[0] ?? []).map((item) => item.json);
}

interface FetchResponseShape {
	body: unknown;
	headers: Record<string, string>;
	statusCode: number;
	statusMessage: string;
}

/** n8n's httpRequest contract, over a real HTTP call. */
export async function realHttpRequest(options: IHttpRequestOptions): Promise<unknown> {
	const headers: Record<string, string> = {};
	for (const [name, value] of Object.entries(options.headers ?? {})) headers[name] = String(value);
	let body: string | undefined;
	if (options.body !== undefined && options.method !== 'GET' && options.method !== 'DELETE') {
		body = typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
		headers['content-type'] ??= 'application/json';
	}
	const response = await fetch(options.url, { method: options.method ?? 'GET', headers, body, redirect: 'manual' });
	const text = await response.text();
	let parsed: unknown = text;
	if ((response.headers.get('content-type') ?? '').includes('json') && text !== '') parsed = JSON.parse(text);
	const full: FetchResponseShape = {
		body: parsed,
		headers: Object.fromEntries(response.headers.entries()),
		statusCode: response.status,
		statusMessage: response.statusText,
	};
	if (response.status >= 400 && !options.ignoreHttpStatusErrors) {
		const error = new Error(`Request failed with status code ${response.status}`) as Error & {
			response?: { status: number; data: unknown };
		};
		error.response = { status: response.status, data: parsed };
		throw error;
	}
	return options.returnFullResponse ? full : parsed;
}

export interface HookOptions {
	params?: Record<string, unknown>;
	credential?: SignedWebhookCredential;
	staticData?: IDataObject;
	webhookUrl?: string;
}

export function createHookContext(options: HookOptions) {
	const logs: LogEntry[] = [];
	const staticData = options.staticData ?? {};
	const params = { provider: 'outCallerAi', registration: 'api', ...(options.params ?? {}) };
	const credential = options.credential ?? {};
	const credentialType = new SignedWebhookApi();
	const node = { ...NODE_BASE, id: 'node-1' };
	const context = {
		logger: makeLogger(logs),
		getNodeParameter: (name: string, fallback?: unknown) => (name in params ? params[name as keyof typeof params] : fallback),
		getWorkflowStaticData: () => staticData,
		getNodeWebhookUrl: () => options.webhookUrl ?? 'https://n8n.example.com/webhook/abc/webhook',
		getNode: () => node,
		getMode: () => 'trigger',
		getActivationMode: () => 'activate',
		getCredentials: async () => ({ ...credential }),
		helpers: {
			httpRequest: realHttpRequest,
			async httpRequestWithAuthentication(this: unknown, type: string, requestOptions: IHttpRequestOptions) {
				if (type !== 'signedWebhookApi') throw new Error(`unexpected credential ${type}`);
				const authenticated = await (credentialType.authenticate as (
					credentials: IDataObject,
					request: IHttpRequestOptions,
				) => Promise<IHttpRequestOptions>)(credential as IDataObject, requestOptions);
				return await realHttpRequest(authenticated);
			},
		},
	};
	return { context: context as unknown as IHookFunctions, staticData, logs };
}
