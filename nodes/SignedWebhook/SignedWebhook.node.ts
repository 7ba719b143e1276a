import {
	NodeApiError,
	NodeConnectionTypes,
	NodeOperationError,
	sleep,
	type IDataObject,
	type IExecuteFunctions,
	type IHttpRequestOptions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
	type JsonObject,
} from 'n8n-workflow';

import { createCappedSend, type FullResponse } from '../core/cappedSend';
import { credentialSecrets, type SignedWebhookCredential } from '../core/credentialCheck';
import { deliver, mergeHeaders, type DeliveryResult, type SendFunction } from '../core/delivery';
import {
	buildBody,
	checkBatch,
	ConfigError,
	DEFAULT_USER_AGENT,
	envelopeFor,
	fixedHeaderLists,
	numberParameter,
	OPTION_NAMES,
	readDeliveryConfig,
	type DeliveryConfig,
	type ParameterReader,
} from '../core/outbound';
import { mapWithConcurrency } from '../core/pool';
import { signedWebhookApiTest } from '../shared/credentialTest';
import { customHmacProperties } from '../shared/customHmacParameters';
import { envelopeOptions, signatureSchemeOptions } from '../shared/providerOptions';

const showForSend = { show: { operation: ['send'] } };

interface Batch {
	items: number[];
	config?: DeliveryConfig;
	error?: NodeOperationError;
	/** The body and its headers, built once for every URL. */
	body?: Buffer;
	headers?: Record<string, string>;
}

function outputItem(result: DeliveryResult, itemIndex: number, data: IDataObject, batch?: { size: number; position: number }): INodeExecutionData {
	const json: IDataObject = {
		deliveryId: result.deliveryId,
		url: result.url,
		event: result.event,
		delivered: result.delivered,
		outcome: result.outcome,
		status: result.status,
		attempts: result.attempts as unknown as IDataObject[],
		responseBody: result.responseBody,
		responseTruncated: result.responseTruncated,
		signatureHeaders: result.signatureHeaders,
		data,
	};
	if (result.error !== undefined) json.error = result.error;
	if (result.location !== undefined) json.location = result.location;
	if (batch && batch.size > 1) json.batch = batch;
	return { json, pairedItem: { item: itemIndex } };
}

function failureMessage(result: DeliveryResult): string {
	const last = result.status !== null ? `last status ${result.status}` : `last error ${result.error ?? 'unknown'}`;
	return `Delivery to ${result.url} failed (${result.outcome}, ${last}, ${result.attempts.length} attempt${result.attempts.length === 1 ? '' : 's'})`;
}

export class SignedWebhook implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Signed Webhook',
		name: 'signedWebhook',
		icon: { light: 'file:signedWebhook.svg', dark: 'file:signedWebhook.dark.svg' },
		group: ['output'],
		version: 1,
		subtitle: '={{ $parameter["operation"] === "sendTestEvent" ? "Send Test Event" : "Send" }}',
		description: 'Send signed webhooks with retries, batching and fan-out',
		defaults: { name: 'Signed Webhook' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [
			{ type: NodeConnectionTypes.Main, displayName: 'Delivered' },
			{ type: NodeConnectionTypes.Main, displayName: 'Failed' },
		],
		outputNames: ['Delivered', 'Failed'],
		credentials: [{ name: 'signedWebhookApi', required: true, testedBy: 'signedWebhookApiTest' }],
		properties: [
			{
				displayName: 'Operation',
				name: 'operation',
				type: 'options',
				noDataExpression: true,
				options: [
					{ name: 'Send', value: 'send', action: 'Send a signed webhook', description: 'Deliver items as signed webhooks' },
					{
						name: 'Send Test Event',
						value: 'sendTestEvent',
						action: 'Send a test event',
						description: 'Send one webhook.test event to each URL to check connectivity',
					},
				],
				default: 'send',
			},
			{
				displayName: 'URLs',
				name: 'urls',
				type: 'string',
				default: '',
				required: true,
				placeholder: 'https://example.com/webhooks',
				description: 'One URL, or several separated by commas or new lines. Each URL gets its own delivery.',
			},
			{
				displayName: 'Signature Scheme',
				name: 'signatureScheme',
				type: 'options',
				options: signatureSchemeOptions(),
				default: 'standardWebhooks',
				description: "How each attempt is signed with the credential's signing secret",
			},
			...customHmacProperties({ signatureScheme: ['customHmac'] }),
			{
				displayName: 'Envelope',
				name: 'envelope',
				type: 'options',
				options: envelopeOptions(),
				default: 'none',
				description: 'The shape of the body',
			},
			{
				displayName: 'Event',
				name: 'event',
				type: 'string',
				default: '',
				placeholder: 'lead.created',
				displayOptions: showForSend,
				description: 'Event name, usually an expression. Required for envelopes that carry it; outboundIQ defaults to dial.batch.',
			},
			{
				displayName: 'Batch Size',
				name: 'batchSize',
				type: 'number',
				typeOptions: { minValue: 1, maxValue: 100 },
				default: 1,
				displayOptions: showForSend,
				description: 'Items per request (1 to 100). The items of a batch share its outcome.',
			},
			{
				displayName: 'Batch Key',
				name: 'batchKey',
				type: 'string',
				default: 'items',
				displayOptions: { show: { operation: ['send'] }, hide: { batchSize: [1] } },
				description: 'Array key the batch is sent under, for example dials. outboundIQ always uses dials.',
			},
			{
				displayName: 'Headers Input',
				name: 'headersMode',
				type: 'options',
				options: [
					{ name: 'Name/Value Pairs', value: 'pairs' },
					{ name: 'JSON Object', value: 'json' },
				],
				default: 'pairs',
			},
			{
				displayName: 'Headers',
				name: 'headers',
				type: 'fixedCollection',
				typeOptions: { multipleValues: true },
				placeholder: 'Add Header',
				default: {},
				displayOptions: { show: { headersMode: ['pairs'] } },
				options: [
					{
						displayName: 'Header',
						name: 'header',
						values: [
							{ displayName: 'Name', name: 'name', type: 'string', default: '' },
							{ displayName: 'Value', name: 'value', type: 'string', default: '' },
						],
					},
				],
			},
			{
				displayName: 'Headers (JSON)',
				name: 'headersJson',
				type: 'json',
				default: '{}',
				displayOptions: { show: { headersMode: ['json'] } },
				description: 'Extra headers as a JSON object, for example {"X-CRM-Source": "n8n"}',
			},
			{
				displayName: 'Max Attempts',
				name: 'maxAttempts',
				type: 'number',
				typeOptions: { minValue: 1, maxValue: 100 },
				default: 5,
				description: 'Attempts per delivery, the first included',
			},
			{
				displayName: 'Timeout (Ms)',
				name: 'timeoutMs',
				type: 'number',
				typeOptions: { minValue: 1 },
				default: 10000,
				description: 'How long one attempt may take, headers and body',
			},
			{
				displayName: 'Concurrency',
				name: 'concurrency',
				type: 'number',
				typeOptions: { minValue: 1, maxValue: 200 },
				default: 10,
				description: 'How many deliveries are in flight at once. Output order follows input order.',
			},
			{
				displayName: 'On Final Failure',
				name: 'onFinalFailure',
				type: 'options',
				options: [
					{
						name: 'Route to Failed Output',
						value: 'route',
						description: 'Failed deliveries leave through the Failed output',
					},
					{
						name: 'Fail the Node',
						value: 'error',
						description: "Stop with an error that names the URL and the last status, so the workflow's error workflow runs",
					},
				],
				default: 'route',
			},
			{
				displayName: 'Options',
				name: 'options',
				type: 'collection',
				placeholder: 'Add Option',
				default: {},
				options: [
					{
						displayName: 'Backoff Base (Ms)',
						name: 'backoffBaseMs',
						type: 'number',
						typeOptions: { minValue: 0 },
						default: 1000,
						description: 'Ceiling of the first backoff; it doubles each attempt, with full jitter',
					},
					{
						displayName: 'Backoff Cap (Ms)',
						name: 'backoffCapMs',
						type: 'number',
						typeOptions: { minValue: 0 },
						default: 30000,
						description: 'Longest wait between attempts, Retry-After included',
					},
					{
						displayName: 'Delivery ID',
						name: 'deliveryId',
						type: 'string',
						default: '',
						description: 'Stable ID for the delivery (an expression, for example from the item). Empty: a fresh one per request.',
					},
					{
						displayName: 'Idempotency Header',
						name: 'idempotencyHeader',
						type: 'string',
						default: 'Idempotency-Key',
						description: 'Header that carries the delivery ID on every attempt; empty to leave it out',
					},
					{
						displayName: 'Overall Deadline (Ms)',
						name: 'deadlineMs',
						type: 'number',
						typeOptions: { minValue: 1 },
						default: 120000,
						description: 'Time budget for one delivery, all attempts and waits included',
					},
					{
						displayName: 'User-Agent',
						name: 'userAgent',
						type: 'string',
						default: DEFAULT_USER_AGENT,
					},
				],
			},
		],
	};

	methods = {
		credentialTest: {
			signedWebhookApiTest,
		},
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const items = this.getInputData();
		const node = this.getNode();
		const operation = this.getNodeParameter('operation', 0) as string;
		const testEvent = operation === 'sendTestEvent';
		const credential = ((await this.getCredentials('signedWebhookApi')) ?? {}) as SignedWebhookCredential;
		const secrets = credentialSecrets(credential);
		const continueOnFail = this.continueOnFail();

		const configError = (error: unknown, itemIndex: number): NodeOperationError => {
			if (error instanceof NodeOperationError) return error;
			const message = error instanceof Error ? error.message : String(error);
			const field = error instanceof ConfigError ? error.field : undefined;
			return new NodeOperationError(node, message, {
				itemIndex,
				description: field !== undefined ? `Check the "${field}" parameter` : undefined,
			});
		};
		const optionParameter = (name: string, itemIndex: number, fallback: unknown): unknown => {
			const options = this.getNodeParameter('options', itemIndex, {}) as IDataObject;
			return options[name] ?? fallback;
		};

		// Node-wide settings come from the first item.
		let batchSettings = { size: 1, key: '' };
		let concurrency = 10;
		let onFinalFailure = 'route';
		try {
			if (!testEvent) {
				batchSettings = checkBatch(this.getNodeParameter('batchSize', 0, 1), this.getNodeParameter('batchKey', 0, 'items'));
			}
			concurrency = Math.floor(
				numberParameter(this.getNodeParameter('concurrency', 0, 10), 'concurrency', 'Concurrency', 1, 200),
			);
			onFinalFailure = String(this.getNodeParameter('onFinalFailure', 0, 'route'));
		} catch (error) {
			throw configError(error, 0);
		}

		const itemCount = testEvent ? Math.min(items.length, 1) || 1 : items.length;
		const batches: Batch[] = [];
		for (let start = 0; start < itemCount; start += batchSettings.size) {
			const indexes: number[] = [];
			for (let index = start; index < Math.min(itemCount, start + batchSettings.size); index++) indexes.push(index);
			batches.push({ items: indexes });
		}

		const delivered: INodeExecutionData[] = [];
		const failed: INodeExecutionData[] = [];
		const now = new Date();
		for (const batch of batches) {
			const first = batch.items[0];
			try {
				const parameter: ParameterReader = (name, fallback) =>
					OPTION_NAMES.has(name)
						? optionParameter(name, first, fallback)
						: this.getNodeParameter(name, first, fallback);
				const config = readDeliveryConfig(parameter, secrets, testEvent);
				const data = testEvent
					? [{ test: true, message: 'Test event from the n8n Signed Webhook node', sentAt: now.toISOString() }]
					: batch.items.map((index) => items[index].json);
				const built = buildBody({
					envelope: envelopeFor(config.envelopeName),
					event: config.event,
					deliveryId: config.deliveryId,
					timestamp: now,
					items: data,
					batch: batchSettings,
				});
				batch.config = config;
				batch.body = built.body;
				batch.headers = mergeHeaders(
					...fixedHeaderLists({
						userAgent: config.userAgent,
						extra: config.headers,
						envelopeHeaders: built.envelopeHeaders,
						deliveryId: config.deliveryId,
						idempotencyHeader: config.idempotencyHeader,
					}),
				);
			} catch (error) {
				const nodeError = configError(error, first);
				if (!continueOnFail) throw nodeError;
				batch.error = nodeError;
			}
		}

		const call = async (request: { url: string; headers: Record<string, string>; body: Buffer; timeoutMs: number }): Promise<FullResponse> => {
			const options: IHttpRequestOptions = {
				method: 'POST',
				url: request.url,
				headers: request.headers,
				body: request.body,
				json: false,
				encoding: 'stream',
				returnFullResponse: true,
				ignoreHttpStatusErrors: true,
				disableFollowRedirect: true,
				timeout: request.timeoutMs,
			};
			return (await this.helpers.httpRequestWithAuthentication.call(this, 'signedWebhookApi', options)) as FullResponse;
		};
		const send: SendFunction = createCappedSend(call, sleep);

		const tasks: Array<{ batch: Batch; url: string }> = [];
		for (const batch of batches) {
			if (batch.config) for (const url of batch.config.urls) tasks.push({ batch, url });
		}
		const results = await mapWithConcurrency(tasks, concurrency, async ({ batch, url }) => {
			const config = batch.config as DeliveryConfig;
			return await deliver(
				{
					url,
					deliveryId: config.deliveryId,
					event: config.event,
					body: batch.body as Buffer,
					headers: batch.headers as Record<string, string>,
					signer: config.signer,
					policy: config.policy,
					timeoutMs: config.timeoutMs,
				},
				{
					send,
					sleep,
					now: () => Date.now(),
					random: () => Math.random(),
					cancelled: () => this.getExecutionCancelSignal?.()?.aborted === true,
				},
			);
		});

		const byBatch = new Map<Batch, DeliveryResult[]>();
		tasks.forEach((task, index) => {
			const list = byBatch.get(task.batch) ?? [];
			list.push(results[index]);
			byBatch.set(task.batch, list);
		});

		let firstFailure: { result: DeliveryResult; itemIndex: number } | undefined;
		for (const batch of batches) {
			if (batch.error) {
				for (const itemIndex of batch.items) {
					failed.push({
						json: { error: batch.error.message, description: batch.error.description ?? null, delivered: false },
						pairedItem: { item: itemIndex },
					});
				}
				continue;
			}
			const batchResults = byBatch.get(batch) ?? [];
			batch.items.forEach((itemIndex, position) => {
				const data = testEvent ? {} : items[itemIndex].json;
				for (const result of batchResults) {
					const item = outputItem(result, itemIndex, data, { size: batch.items.length, position });
					if (result.delivered) {
						delivered.push(item);
						continue;
					}
					if (onFinalFailure === 'error' && firstFailure === undefined) firstFailure = { result, itemIndex };
					if (onFinalFailure === 'error' && continueOnFail) item.json.errorMessage = failureMessage(result);
					failed.push(item);
				}
			});
		}

		if (firstFailure && !continueOnFail) {
			const { result, itemIndex } = firstFailure;
			throw new NodeApiError(
				node,
				{
					message: failureMessage(result),
					url: result.url,
					outcome: result.outcome,
					status: result.status,
					error: result.error ?? null,
				} as JsonObject,
				{
					message: failureMessage(result),
					description: `Attempts: ${result.attempts
						.map((attempt) => (attempt.status !== undefined ? String(attempt.status) : attempt.error))
						.join(', ')}. Response: ${result.responseBody.slice(0, 200)}`,
					httpCode: result.status !== null ? String(result.status) : undefined,
					itemIndex,
				},
			);
		}
		return [delivered, failed];
	}
}
